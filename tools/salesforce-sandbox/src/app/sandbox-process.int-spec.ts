import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from 'jsforce';
import { API_VERSION } from '../testing/sandbox-harness';

const MAIN = path.resolve(__dirname, '../../../../dist/tools/salesforce-sandbox/main.js');

/** Starts the built sandbox (what `npm run sandbox:salesforce` runs) and waits for its start line. */
function startProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; banner: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    // Only the sandbox's own variables: the child needs nothing else from this environment.
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"salesforce sandbox listening"'));
      if (line) {
        const banner = JSON.parse(line) as Record<string, string>;
        resolve({ child, url: banner.url, banner });
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
  });
}

const stop = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('the built sandbox process', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfsb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the default credentials, stops on SIGTERM writing its snapshot, and starts again from it', async () => {
    const env = { SALESFORCE_SANDBOX_PORT: '0', SALESFORCE_SANDBOX_SNAPSHOT: path.join(dir, 'state.json') };
    const first = await startProcess(env);
    expect(first.banner).toMatchObject({
      username: 'rep@sandbox.test',
      password: 'sandbox',
      clientId: 'sandbox-client',
      clientSecret: 'sandbox-secret',
    });
    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    const conn = new Connection({
      loginUrl: first.url,
      version: API_VERSION,
      oauth2: { loginUrl: first.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
    });
    await conn.login('rep@sandbox.test', 'sandbox');
    const { id } = await conn.sobject('Task').create({ Subject: 'survives a restart', ActivityDate: '2026-11-24' });
    expect(await stop(first.child)).toBe(0);

    const second = await startProcess(env);
    try {
      const again = new Connection({
        loginUrl: second.url,
        version: API_VERSION,
        oauth2: { loginUrl: second.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
      });
      await again.login('rep@sandbox.test', 'sandbox');
      const task = await again.sobject('Task').retrieve(id as string);
      expect(task).toMatchObject({ Subject: 'survives a restart', ActivityDate: '2026-11-24' });
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });
});
