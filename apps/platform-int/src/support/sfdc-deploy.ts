import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../../..');
const run = promisify(execFile);

/** The built deploy command (`npm run sfdc:deploy -- …` runs the same file after building it), from the repository root. */
export async function sfdcDeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(ROOT, 'dist/tools/sfdc-package/main.js'), 'deploy', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A user's access token from the sandbox's password grant (what `sf org display` would show an administrator). */
export async function passwordAccessToken(sandboxUrl: string, username: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      username,
      password: 'sandbox',
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
