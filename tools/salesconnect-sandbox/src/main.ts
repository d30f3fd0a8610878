import pino from 'pino';
import { loadSandboxConfig } from '@task-sync/util-sandbox-kit';
import { sandboxConfigSchema } from './sandbox.config';
import { createSalesConnectSandbox } from './salesconnect-sandbox';

/** The Sales Connect sandbox as a process: `npm run sandbox:salesconnect`. */
async function main(): Promise<void> {
  const config = loadSandboxConfig(sandboxConfigSchema, process.env);
  const log = pino({ base: { service: 'salesconnect-sandbox' }, timestamp: pino.stdTimeFunctions.isoTime });
  const sandbox = createSalesConnectSandbox({
    snapshotFile: config.SALESCONNECT_SANDBOX_SNAPSHOT,
    webhookSecret: config.SALESCONNECT_SANDBOX_WEBHOOK_SECRET,
    retentionDays: config.SALESCONNECT_SANDBOX_RETENTION_DAYS,
    webhookRetryBaseMs: config.SALESCONNECT_SANDBOX_WEBHOOK_RETRY_BASE_MS,
    webhookMaxAttempts: config.SALESCONNECT_SANDBOX_WEBHOOK_MAX_ATTEMPTS,
    defaultUser: { timeZone: config.SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE },
    appTokens: config.SALESCONNECT_SANDBOX_APP_TOKENS,
  });
  const { url } = await sandbox.listen(config.SALESCONNECT_SANDBOX_PORT, config.SALESCONNECT_SANDBOX_HOST);
  const { id, email, timeZone, apiToken } = sandbox.defaultUser;
  log.info({ url, snapshot: config.SALESCONNECT_SANDBOX_SNAPSHOT ?? null }, 'Sales Connect sandbox listening');
  log.info({ id, email, timeZone, apiToken, commandCenter: `${url}/users/${id}/command-center` }, 'default user');
  // A sandbox: its development tokens are printed on purpose, like the default user's.
  log.info(
    { apps: config.SALESCONNECT_SANDBOX_APP_TOKENS },
    'integration app tokens (act for any user with X-SalesConnect-User)',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    sandbox
      .close()
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        log.error({ err: String(e) }, 'stop failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(
    JSON.stringify({ level: 'fatal', service: 'salesconnect-sandbox', msg: 'start failed', err: String(e) }),
  );
  process.exit(1);
});
