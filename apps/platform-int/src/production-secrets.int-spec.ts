import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppName, createDatabase, freePort, ServiceProcess } from '@task-sync/testing-stack';
import { testEnv, uniqueId } from './support/stack';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * The development defaults each service's schema writes in the repository (apps/NAME/src/app/NAME.config.ts),
 * by variable; a list's secret parts are given separately, since each part alone must not be printed either.
 */
const DEVELOPMENT_SECRETS: Record<AppName, Record<string, string[]>> = {
  'connector-settings': {
    JWT_SECRET: ['dev-only-secret-change-me-0123456789abcdef'],
    SALESFORCE_CLIENT_SECRET: ['sandbox-secret'],
    OAUTH_STATE_SECRET: ['dev-only-state-secret-change-me-0123456789'],
    TOKEN_ENCRYPTION_KEYS: ['ZGV2LW9ubHktdG9rZW4ta2V5LWNoYW5nZS1tZS0wMTI='],
    INTERNAL_SERVICE_TOKENS: [
      'dev-only-sfdc-ingest-internal-token',
      'dev-only-reconciler-internal-token',
      'dev-only-salesconnect-ingest-internal-token',
    ],
  },
  'sfdc-ingest': { INTERNAL_SERVICE_TOKEN: ['dev-only-sfdc-ingest-internal-token'] },
  'salesconnect-ingest': {
    SALESCONNECT_APP_TOKEN: ['sc_app_task_sync_dev'],
    SALESCONNECT_WEBHOOK_SECRET: ['sandbox-webhook-secret'],
    INTERNAL_SERVICE_TOKEN: ['dev-only-salesconnect-ingest-internal-token'],
  },
  reconciler: {
    INTERNAL_SERVICE_TOKEN: ['dev-only-reconciler-internal-token'],
    SALESCONNECT_APP_TOKEN: ['sc_app_task_sync_dev'],
    OPERATOR_TOKEN: ['dev-only-reconciler-operator-token'],
  },
};

/** The built service run until it exits by itself, as Kubernetes would start it; killed if it is still up after `timeoutMs`. */
async function runUntilExit(
  name: AppName,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string[] }> {
  const port = await freePort();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', name, 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: testEnv.brokers.join(','), HTTP_PORT: String(port), ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.split('\n').filter(Boolean) });
    });
  });
}

function parseLogLine(line: string): { msg?: string; err?: { message: string } } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined; // not one of the service's JSON lines (a Node warning): no refusal in it
  }
}

describe('DEPLOYMENT_ENV=production: no development secret', () => {
  it.each(Object.keys(DEVELOPMENT_SECRETS) as AppName[])(
    '%s exits non-zero on its development defaults, naming each secret and printing none',
    async (name) => {
      const { code, output } = await runUntilExit(name, {
        DEPLOYMENT_ENV: 'production',
        DATABASE_URL: testEnv.databaseUrl,
      });
      // runService's exit for a start-up failure; a process still up after the timeout is killed (code null).
      expect(code).toBe(1);
      const refusal = output.map(parseLogLine).find((line) => line?.msg === 'failed to start');
      expect(refusal?.err?.message).toMatch(/^Invalid configuration:/);
      for (const variable of Object.keys(DEVELOPMENT_SECRETS[name]))
        expect(refusal?.err?.message).toMatch(new RegExp(`^  - ${variable}( \\(entry \\d+ of \\d+\\))?: `, 'm'));
      for (const value of Object.values(DEVELOPMENT_SECRETS[name]).flat())
        expect(output.filter((line) => line.includes(value))).toEqual([]);
    },
  );

  it('connector-settings starts on secrets of its own and answers /health/ready, printing none of them', async () => {
    const secrets = {
      JWT_SECRET: randomBytes(32).toString('base64url'),
      OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
      SALESFORCE_CLIENT_SECRET: randomBytes(16).toString('hex'),
      TOKEN_ENCRYPTION_KEYS: `prod1:${randomBytes(32).toString('base64')}`,
      TOKEN_ENCRYPTION_KEY_ID: 'prod1',
      INTERNAL_SERVICE_TOKENS: ['sfdc-ingest', 'reconciler', 'salesconnect-ingest']
        .map((name) => `${name}:${randomBytes(32).toString('base64url')}`)
        .join(','),
    };
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('production'));
    const service = await ServiceProcess.start('connector-settings', {
      DEPLOYMENT_ENV: 'production',
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: uniqueId('connector-settings'),
      ...secrets,
    });
    try {
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await service.stop();
    }
    const printed = [
      secrets.JWT_SECRET,
      secrets.OAUTH_STATE_SECRET,
      secrets.SALESFORCE_CLIENT_SECRET,
      ...[secrets.TOKEN_ENCRYPTION_KEYS, secrets.INTERNAL_SERVICE_TOKENS].flatMap((list) =>
        list.split(',').map((entry) => entry.split(':')[1]),
      ),
    ];
    for (const value of printed) expect(service.rawOutput.filter((line) => line.includes(value))).toEqual([]);
  });
});
