import { loadConfig } from '@task-sync/util-config';
import { sandboxConfigSchema } from './sandbox.config';

describe('salesconnect-sandbox config', () => {
  it('defaults to 127.0.0.1:8620, 7 days of feed and no snapshot', () => {
    expect(loadConfig(sandboxConfigSchema, {})).toEqual({
      SALESCONNECT_SANDBOX_PORT: 8620,
      SALESCONNECT_SANDBOX_HOST: '127.0.0.1',
      SALESCONNECT_SANDBOX_WEBHOOK_SECRET: 'sandbox-webhook-secret',
      SALESCONNECT_SANDBOX_RETENTION_DAYS: 7,
      SALESCONNECT_SANDBOX_WEBHOOK_RETRY_BASE_MS: 1000,
      SALESCONNECT_SANDBOX_WEBHOOK_MAX_ATTEMPTS: 8,
      SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE: 'America/Sao_Paulo',
    });
  });

  it('refuses a retention under 7 days and an unknown time zone, naming both', () => {
    expect(() => loadConfig(sandboxConfigSchema, { SALESCONNECT_SANDBOX_RETENTION_DAYS: '3', SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE: 'Nowhere/Special' })).toThrow(
      /SALESCONNECT_SANDBOX_RETENTION_DAYS[\s\S]*SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE/,
    );
  });
});
