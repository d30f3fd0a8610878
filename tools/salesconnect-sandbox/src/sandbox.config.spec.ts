import { loadSandboxConfig } from '@task-sync/util-sandbox-kit';
import { sandboxConfigSchema } from './sandbox.config';

describe('salesconnect-sandbox config', () => {
  it('defaults to 127.0.0.1:8620, 7 days of feed and no snapshot', () => {
    expect(loadSandboxConfig(sandboxConfigSchema, {})).toEqual({
      SALESCONNECT_SANDBOX_PORT: 8620,
      SALESCONNECT_SANDBOX_HOST: '127.0.0.1',
      SALESCONNECT_SANDBOX_WEBHOOK_SECRET: 'sandbox-webhook-secret',
      SALESCONNECT_SANDBOX_RETENTION_DAYS: 7,
      SALESCONNECT_SANDBOX_WEBHOOK_RETRY_BASE_MS: 1000,
      SALESCONNECT_SANDBOX_WEBHOOK_MAX_ATTEMPTS: 8,
      SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE: 'America/Sao_Paulo',
      SALESCONNECT_SANDBOX_APP_TOKENS: [{ name: 'task-sync', token: 'sc_app_task_sync_dev' }],
    });
  });

  it('reads integration app tokens as name:token pairs', () => {
    const config = loadSandboxConfig(sandboxConfigSchema, {
      SALESCONNECT_SANDBOX_APP_TOKENS: 'task-sync:sc_app_0123456789abcdef, crm.bridge:tok:with:colons-123',
    });
    expect(config.SALESCONNECT_SANDBOX_APP_TOKENS).toEqual([
      { name: 'task-sync', token: 'sc_app_0123456789abcdef' },
      { name: 'crm.bridge', token: 'tok:with:colons-123' },
    ]);
  });

  it.each([
    ['an entry without a name', 'sc_app_0123456789abcdef'],
    ['a short token', 'task-sync:short'],
    ['a name with a space', 'task sync:sc_app_0123456789abcdef'],
    ['a name used twice', 'a:sc_app_0123456789abcdef,a:sc_app_fedcba9876543210'],
    ['a token used twice', 'a:sc_app_0123456789abcdef,b:sc_app_0123456789abcdef'],
  ])('refuses %s, naming the variable', (_label, value) => {
    expect(() => loadSandboxConfig(sandboxConfigSchema, { SALESCONNECT_SANDBOX_APP_TOKENS: value })).toThrow(
      /SALESCONNECT_SANDBOX_APP_TOKENS/,
    );
  });

  it('refuses a retention under 7 days and an unknown time zone, naming both', () => {
    expect(() =>
      loadSandboxConfig(sandboxConfigSchema, {
        SALESCONNECT_SANDBOX_RETENTION_DAYS: '3',
        SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE: 'Nowhere/Special',
      }),
    ).toThrow(/SALESCONNECT_SANDBOX_RETENTION_DAYS[\s\S]*SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE/);
  });
});
