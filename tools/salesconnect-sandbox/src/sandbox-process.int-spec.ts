import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSnapshot } from '@task-sync/util-sandbox-kit';

const MAIN = path.resolve(__dirname, '../../../dist/tools/salesconnect-sandbox/main.js');

/** Starts the built sandbox (int-test depends on build) and waits for its two start lines. */
async function startProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  // eslint-disable-next-line no-restricted-properties -- the child inherits PATH etc.
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
      if (lines.some((l) => l['msg'] === 'default user')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    setTimeout(() => reject(new Error('sandbox did not start in 10 s')), 10_000).unref();
  });
  return { child, lines };
}

describe('the sandbox as a process (npm run sandbox:salesconnect)', () => {
  it('prints its address and the default user, serves the API, and on SIGTERM writes its snapshot and exits 0', async () => {
    expect(existsSync(MAIN)).toBe(true);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sc-proc-')), 'state.json');
    const { child, lines } = await startProcess({
      SALESCONNECT_SANDBOX_PORT: '0',
      SALESCONNECT_SANDBOX_SNAPSHOT: file,
    });
    const url = lines.find((l) => l['msg'] === 'Sales Connect sandbox listening')?.['url'] as string;
    const user = lines.find((l) => l['msg'] === 'default user');
    expect(user).toMatchObject({
      id: 'scu_default',
      email: 'rep@salesconnect.example',
      timeZone: 'America/Sao_Paulo',
      apiToken: 'sc_tok_default_sandbox_user',
    });

    const created = await fetch(`${url}/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${String(user?.['apiToken'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From the process', dueDate: '2026-11-24' }),
    });
    expect(created.status).toBe(201);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const saved = loadSnapshot<{ tasks: { tasks: { task: { name: string } }[] } }>(file);
    expect(saved?.tasks.tasks.map((s) => s.task.name)).toEqual(['From the process']);
  });

  it('refuses a bad configuration, naming the variable', async () => {
    const child = spawn(process.execPath, [MAIN], {
      // eslint-disable-next-line no-restricted-properties -- the child inherits PATH etc.
      env: { ...process.env, SALESCONNECT_SANDBOX_RETENTION_DAYS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('SALESCONNECT_SANDBOX_RETENTION_DAYS');
  });
});
