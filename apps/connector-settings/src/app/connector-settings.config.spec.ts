import { ConfigError, loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema, checkProductionSecrets } from '@task-sync/util-config/testing';
import { connectorSettingsConfigSchema } from './connector-settings.config';

/** The variables production refuses on their development defaults. */
const SECRET_VARIABLES = [
  'JWT_SECRET',
  'SALESFORCE_CLIENT_SECRET',
  'OAUTH_STATE_SECRET',
  'TOKEN_ENCRYPTION_KEYS',
  'INTERNAL_SERVICE_TOKENS',
];

/** Secrets of production's own, long enough for its minimums. */
const PRODUCTION_SECRETS: Record<string, string> = {
  JWT_SECRET: 'production-jwt-secret-0123456789abcdef',
  SALESFORCE_CLIENT_SECRET: 'connected-app-consumer-secret',
  OAUTH_STATE_SECRET: 'production-oauth-state-secret-0123456789',
  TOKEN_ENCRYPTION_KEYS: 'prod1:cHJvZHVjdGlvbi1rZXktMDEyMzQ1Njc4OWFiY2RlZjA=',
  TOKEN_ENCRYPTION_KEY_ID: 'prod1',
  INTERNAL_SERVICE_TOKENS:
    'sfdc-ingest:production-sfdc-ingest-token-0123456789,reconciler:production-reconciler-token-0123456789',
};

describe('connector-settings config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(connectorSettingsConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.SERVICE_NAME).toBe('connector-settings');
  });

  it('refuses production on the development secrets, naming each, and starts with secrets of its own', () => {
    const check = checkProductionSecrets(connectorSettingsConfigSchema, PRODUCTION_SECRETS);
    expect(check.refused).toEqual(SECRET_VARIABLES);
    expect(check.printedValues).toEqual([]);
    expect(check.accepted).toMatchObject({ DEPLOYMENT_ENV: 'production', ...PRODUCTION_SECRETS });
  });

  it.each([
    [
      'the development key under a new kid',
      {
        TOKEN_ENCRYPTION_KEYS:
          'prod1:cHJvZHVjdGlvbi1rZXktMDEyMzQ1Njc4OWFiY2RlZjA=,old:ZGV2LW9ubHktdG9rZW4ta2V5LWNoYW5nZS1tZS0wMTI=',
      },
      'TOKEN_ENCRYPTION_KEYS (entry 2 of 2)',
    ],
    [
      'a development service token beside a real one',
      {
        INTERNAL_SERVICE_TOKENS:
          'sfdc-ingest:production-sfdc-ingest-token-0123456789,reconciler:dev-only-reconciler-internal-token',
      },
      'INTERNAL_SERVICE_TOKENS (entry 2 of 2)',
    ],
    [
      'a service token of 24 to 31 characters',
      {
        INTERNAL_SERVICE_TOKENS:
          'sfdc-ingest:short-sfdc-ingest-token-0123456,reconciler:production-reconciler-token-0123456789',
      },
      'INTERNAL_SERVICE_TOKENS (entry 1 of 2)',
    ],
  ])('refuses production with %s', (_, override, entry) => {
    const run = () =>
      loadConfig(connectorSettingsConfigSchema, { ...PRODUCTION_SECRETS, ...override, DEPLOYMENT_ENV: 'production' });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(entry);
    expect(() => loadConfig(connectorSettingsConfigSchema, { ...PRODUCTION_SECRETS, ...override })).not.toThrow();
  });

  it('skips JWT_SECRET in production when the JWKS verifies the users’ tokens', () => {
    const production = { ...PRODUCTION_SECRETS, JWT_SECRET: '', DEPLOYMENT_ENV: 'production' };
    expect(() => loadConfig(connectorSettingsConfigSchema, production)).toThrow(/JWT_SECRET/);
    expect(() =>
      loadConfig(connectorSettingsConfigSchema, {
        ...production,
        JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      }),
    ).not.toThrow();
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('connector-settings', connectorSettingsConfigSchema)).toEqual({
      missing: [],
      invalid: null,
    });
  });
});
