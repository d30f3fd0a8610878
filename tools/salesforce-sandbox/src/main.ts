import { loadSandboxConfig } from '@task-sync/util-sandbox-kit';
import { salesforceSandboxConfigSchema } from './app/salesforce-sandbox.config';
import { createSalesforceSandbox } from './app/salesforce-sandbox';
import { useStampPrecision } from './app/sfdc-datetime';

const log = (level: string, msg: string, fields: Record<string, unknown> = {}): void => {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, service: 'salesforce-sandbox', msg, ...fields }));
};

/** The Salesforce sandbox as a process: `npm run sandbox:salesforce`. */
async function main(): Promise<void> {
  const config = loadSandboxConfig(salesforceSandboxConfigSchema, process.env);
  useStampPrecision(config.SALESFORCE_SANDBOX_STAMP_PRECISION);
  const sandbox = createSalesforceSandbox({
    tokenTtlSeconds: config.SALESFORCE_SANDBOX_TOKEN_TTL_SECONDS,
    dailyApiLimit: config.SALESFORCE_SANDBOX_DAILY_API_LIMIT,
    snapshotFile: config.SALESFORCE_SANDBOX_SNAPSHOT ?? null,
  });
  const { url } = await sandbox.listen(config.SALESFORCE_SANDBOX_PORT, config.SALESFORCE_SANDBOX_HOST);
  const d = sandbox.defaults;
  log('info', 'salesforce sandbox listening', {
    url,
    loginUrl: url,
    orgId: d.orgId,
    userId: d.userId,
    username: d.username,
    password: d.password,
    adminUsername: d.adminUsername,
    adminPassword: d.adminPassword,
    streaming: `${url}/cometd/62.0`,
    clientId: d.clientId,
    clientSecret: d.clientSecret,
    admin: `${url}/__admin`,
    snapshot: config.SALESFORCE_SANDBOX_SNAPSHOT ?? null,
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'stopping', { signal });
    sandbox.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log('error', 'stop failed', { err: String(e) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  log('fatal', 'salesforce sandbox failed to start', { err: String(e) });
  process.exit(1);
});
