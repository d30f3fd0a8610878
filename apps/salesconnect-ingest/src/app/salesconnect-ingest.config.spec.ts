import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema, checkProductionSecrets } from '@task-sync/util-config/testing';
import { salesconnectIngestConfigSchema } from './salesconnect-ingest.config';

/** The variables production refuses on their development defaults. */
const SECRET_VARIABLES = ['SALESCONNECT_APP_TOKEN', 'SALESCONNECT_WEBHOOK_SECRET', 'INTERNAL_SERVICE_TOKEN'];

/** Secrets of production's own, long enough for its minimums. */
const PRODUCTION_SECRETS: Record<string, string> = {
  INTERNAL_SERVICE_TOKEN: 'production-salesconnect-ingest-token-0123456789',
  SALESCONNECT_APP_TOKEN: 'sc_app_production_0123456789',
  SALESCONNECT_WEBHOOK_SECRET: 'production-webhook-secret-0123',
};

describe('salesconnect-ingest config', () => {
  it('starts on a fresh machine with no variable set, pointed at the local sandbox', () => {
    const config = loadConfig(salesconnectIngestConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3102);
    expect(config.SERVICE_NAME).toBe('salesconnect-ingest');
    expect(config).toMatchObject({
      SALESCONNECT_API_URL: 'http://127.0.0.1:8620',
      SALESCONNECT_APP_TOKEN: 'sc_app_task_sync_dev',
      SALESCONNECT_WEBHOOK_SECRET: 'sandbox-webhook-secret',
      SALESCONNECT_WEBHOOK_TOLERANCE_SECONDS: 300,
      SALESCONNECT_WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:3102/webhooks/salesconnect',
      FEED_POLL_INTERVAL_MS: 15_000,
      FEED_PAGE_SIZE: 500,
    });
  });

  it('names every bad Sales Connect variable', () => {
    expect(() =>
      loadConfig(salesconnectIngestConfigSchema, {
        SALESCONNECT_API_URL: 'ftp://sc.example',
        SALESCONNECT_WEBHOOK_SECRET: 'short',
        SALESCONNECT_WEBHOOK_PUBLIC_URL: 'not a url',
        FEED_PAGE_SIZE: '501',
        FEED_POLL_INTERVAL_MS: '0',
      }),
    ).toThrow(
      /SALESCONNECT_API_URL[\s\S]*SALESCONNECT_WEBHOOK_SECRET[\s\S]*SALESCONNECT_WEBHOOK_PUBLIC_URL[\s\S]*FEED_POLL_INTERVAL_MS[\s\S]*FEED_PAGE_SIZE/,
    );
  });

  it('refuses production on the development secrets, naming each, and starts with secrets of its own', () => {
    const check = checkProductionSecrets(salesconnectIngestConfigSchema, PRODUCTION_SECRETS);
    expect(check.refused).toEqual(SECRET_VARIABLES);
    expect(check.printedValues).toEqual([]);
    expect(check.accepted).toMatchObject({ DEPLOYMENT_ENV: 'production', ...PRODUCTION_SECRETS });
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('salesconnect-ingest', salesconnectIngestConfigSchema)).toEqual({
      missing: [],
      invalid: null,
    });
  });
});
