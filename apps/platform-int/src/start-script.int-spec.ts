import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDatabase, freePort, waitFor } from '@task-sync/testing-stack';
import { testEnv } from './support/stack';

const ROOT = path.resolve(__dirname, '../../..');

// `npm start` as a newcomer runs it: the script itself, not the services one by one.
describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it("brings up both sandboxes and four ready services, connects the demo org's reader, prints their URLs, and Ctrl-C stops every one of them", async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('start'));
    let output = '';
    child = spawn(process.execPath, ['tools/scripts/start.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CONNECTOR_SETTINGS_PORT: String(ports[0]),
        SFDC_INGEST_PORT: String(ports[1]),
        SALESCONNECT_INGEST_PORT: String(ports[2]),
        RECONCILER_PORT: String(ports[3]),
        SALESCONNECT_SANDBOX_PORT: String(ports[4]),
        SALESFORCE_SANDBOX_PORT: String(ports[5]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

    await waitFor('the ready banner', async () => output.includes('[start] all services are ready'), 240_000).catch(
      (e) => {
        throw new Error(`${(e as Error).message}\n${output.slice(-3000)}`);
      },
    );
    for (const [name, port] of [
      ['connector-settings', ports[0]],
      ['sfdc-ingest', ports[1]],
      ['salesconnect-ingest', ports[2]],
      ['reconciler', ports[3]],
      ['salesconnect-sandbox', ports[4]],
      ['salesforce-sandbox', ports[5]],
    ] as const) {
      expect(output).toContain(`${name.padEnd(20)} http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    }

    // The printed settings-page link works: its token lists the (empty) connections.
    const link = /http:\/\/127\.0\.0\.1:\d+\/settings\/crm\/salesforce#token=(\S+)/.exec(output);
    expect(link).not.toBeNull();
    const listed = await fetch(`http://127.0.0.1:${ports[0]}/v1/connections`, {
      headers: { authorization: `Bearer ${link?.[1]}` },
    });
    expect(listed.status).toBe(200);

    // The demo user is the demo tenant's admin, and the org's reader is connected (the sandbox's
    // administrator, through the OAuth round trip), so the demo org's Salesforce changes stream.
    expect(output).toMatch(
      /\[start\] the demo org's reader: admin@sandbox\.test \(org 00D\w+, connected now\), its checks passed/,
    );
    const readers = await fetch(`http://127.0.0.1:${ports[0]}/v1/salesforce/org-reader`, {
      headers: { authorization: `Bearer ${link?.[1]}` },
    });
    expect(await readers.json()).toMatchObject({
      items: [{ sfdcUsername: 'admin@sandbox.test', connected: true, preflight: { passed: true } }],
    });

    // Each service runs with the heap settings its deployment gives it (docker/k8s/base/config/<service>.env).
    for (const [name, options] of [
      ['connector-settings', '--max-old-space-size=224'],
      ['salesconnect-ingest', '--max-old-space-size=192 --max-semi-space-size=8'],
    ] as const) {
      const pid = Number(new RegExp(`\\[start\\] ${name} started \\(pid (\\d+)\\)`).exec(output)?.[1]);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`NODE_OPTIONS=${options}`);
    }

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const name of [
      'connector-settings',
      'sfdc-ingest',
      'salesconnect-ingest',
      'reconciler',
      'salesconnect-sandbox',
      'salesforce-sandbox',
    ]) {
      expect(output).toContain(`[start] ${name} stopped (exit 0)`);
    }
    for (const port of ports) await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  }, 300_000);
});
