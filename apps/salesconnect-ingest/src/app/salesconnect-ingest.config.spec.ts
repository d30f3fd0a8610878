import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema } from '@task-sync/util-config/testing';
import { salesconnectIngestConfigSchema } from './salesconnect-ingest.config';

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
    ).toThrow(/SALESCONNECT_API_URL[\s\S]*SALESCONNECT_WEBHOOK_SECRET[\s\S]*SALESCONNECT_WEBHOOK_PUBLIC_URL[\s\S]*FEED_POLL_INTERVAL_MS[\s\S]*FEED_PAGE_SIZE/);
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('salesconnect-ingest', salesconnectIngestConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
