import { z } from 'zod';
import { devSecret, listDevSecrets } from './dev-secret';
import { ConfigError, loadConfig } from './load-config';
import { serviceConfigShape } from './service-config.schema';

const DEV_SECRET = 'dev-only-signing-secret-0123456789abcdef';
const DEV_TOKENS = 'a:dev-only-token-of-service-a-0123456789,b:dev-only-token-of-service-b-0123456789';
const tokensOf = (value: string) => value.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1));

const schema = z.object({
  ...serviceConfigShape({ serviceName: 'svc', httpPort: 3999 }),
  SIGNING_SECRET: devSecret(z.string().min(16), DEV_SECRET, { productionMinLength: 32 }),
  VENDOR_SECRET: devSecret(z.string().min(1), 'sandbox-secret', { productionMinLength: 16 }),
  SERVICE_TOKENS: devSecret(z.string().min(1), DEV_TOKENS, { productionMinLength: 32, parts: tokensOf }),
  JWKS_URL: z.url().optional(),
  HS_SECRET: devSecret(z.string().min(1), 'dev-only-hs-secret-0123456789abcdef', {
    productionMinLength: 32,
    unusedWhen: (config) => config.JWKS_URL !== undefined,
  }),
});

const GOOD: Record<string, string> = {
  SIGNING_SECRET: 'production-signing-secret-0123456789abcdef',
  VENDOR_SECRET: 'vendor-issued-secret-0123',
  SERVICE_TOKENS: 'a:production-token-of-service-a-012345,b:production-token-of-service-b-012345',
  HS_SECRET: 'production-hs-secret-0123456789abcdef',
};

/** The ConfigError loadConfig throws, or a failure if it does not. */
function refusal(env: Record<string, string>): { problems: string[]; message: string } {
  try {
    loadConfig(schema, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return { problems: (e as ConfigError).problems, message: (e as ConfigError).message };
  }
  throw new Error('loadConfig accepted the environment');
}

describe('devSecret', () => {
  it('defaults to its development value, under the development-mode rules', () => {
    expect(loadConfig(schema, {})).toMatchObject({
      DEPLOYMENT_ENV: 'development',
      SIGNING_SECRET: DEV_SECRET,
      VENDOR_SECRET: 'sandbox-secret',
      SERVICE_TOKENS: DEV_TOKENS,
    });
    expect(() => loadConfig(schema, { SIGNING_SECRET: 'too-short' })).toThrow(/SIGNING_SECRET/);
    expect(listDevSecrets(schema.shape)).toEqual(['HS_SECRET', 'SERVICE_TOKENS', 'SIGNING_SECRET', 'VENDOR_SECRET']);
  });

  it('leaves development alone: defaults and short secrets start as before', () => {
    expect(() => loadConfig(schema, { DEPLOYMENT_ENV: 'development' })).not.toThrow();
    expect(() => loadConfig(schema, { SIGNING_SECRET: 'sixteen-chars-ok', VENDOR_SECRET: 'x' })).not.toThrow();
  });

  it('rejects a deployment other than development or production', () => {
    expect(() => loadConfig(schema, { DEPLOYMENT_ENV: 'prod' })).toThrow(/DEPLOYMENT_ENV/);
  });

  it('accepts production with secrets of its own', () => {
    expect(loadConfig(schema, { ...GOOD, DEPLOYMENT_ENV: 'production' })).toMatchObject({
      DEPLOYMENT_ENV: 'production',
      ...GOOD,
    });
  });

  it('refuses production on the development defaults, naming every secret in one error', () => {
    const { problems } = refusal({ DEPLOYMENT_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringMatching(/^SIGNING_SECRET: still the development default/),
      expect.stringMatching(/^VENDOR_SECRET: still the development default/),
      expect.stringMatching(/^SERVICE_TOKENS: still the development default/),
      expect.stringMatching(/^HS_SECRET: still the development default/),
    ]);
  });

  it.each([
    [
      'a secret shorter than its production minimum',
      { SIGNING_SECRET: 'only-twenty-chars-00' },
      /^SIGNING_SECRET: shorter than the 32 characters production requires$/,
    ],
    [
      'a vendor secret shorter than its modest minimum',
      { VENDOR_SECRET: 'fifteen-chars-0' },
      /^VENDOR_SECRET: shorter than the 16 characters production requires$/,
    ],
    [
      'a development part in a list of parts',
      { SERVICE_TOKENS: 'a:production-token-of-service-a-012345,c:dev-only-token-of-service-b-0123456789' },
      /^SERVICE_TOKENS \(entry 2 of 2\): a development value/,
    ],
    [
      'a part shorter than the minimum',
      { SERVICE_TOKENS: 'a:production-token-of-service-a-012345,b:short-token-0123456789' },
      /^SERVICE_TOKENS \(entry 2 of 2\): shorter than the 32 characters/,
    ],
  ])('refuses production with %s', (_, override, problem) => {
    const env = { ...GOOD, ...override, DEPLOYMENT_ENV: 'production' };
    const { problems, message } = refusal(env);
    expect(problems).toEqual([expect.stringMatching(problem)]);
    for (const value of Object.values(override)) {
      expect(message).not.toContain(value);
      for (const part of tokensOf(value)) expect(message).not.toContain(part);
    }
  });

  it('skips a secret its configuration does not use (unusedWhen), and checks it again when it is used', () => {
    const env = { ...GOOD, DEPLOYMENT_ENV: 'production', HS_SECRET: '' };
    expect(() =>
      loadConfig(schema, { ...env, JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' }),
    ).not.toThrow();
    expect(refusal(env).problems).toEqual([expect.stringMatching(/^HS_SECRET: still the development default/)]);
  });

  it('lists a development secret beside the other bad variables, and never prints a secret value', () => {
    const { problems, message } = refusal({
      ...GOOD,
      DEPLOYMENT_ENV: 'production',
      HTTP_PORT: 'eighty',
      SIGNING_SECRET: '',
      VENDOR_SECRET: 'vendor-short',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^HTTP_PORT: /),
      expect.stringMatching(/^SIGNING_SECRET: still the development default/),
      expect.stringMatching(/^VENDOR_SECRET: shorter than/),
    ]);
    for (const value of [DEV_SECRET, 'vendor-short', ...Object.values(GOOD)]) expect(message).not.toContain(value);
  });

  it('is not checked for a run that reads no secret (--migrate-only)', () => {
    expect(() => loadConfig(schema, { DEPLOYMENT_ENV: 'production' }, { readsSecrets: false })).not.toThrow();
  });
});
