import { z } from 'zod';
import { consumerConfigShape, devSecret, serviceConfigShape } from '@task-sync/util-config';
import { apiCallsConfigShape } from '@task-sync/sfdc-api-budget';

/** The secret of each `name:secret` entry of a list (`kid:key`, `service:token`); all of it when there is no name. */
const secretOfEachEntry = (value: string): string[] =>
  value.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1).trim());

/** Every variable connector-settings reads, with its default. Read once, in main.ts. */
export const connectorSettingsConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'connector-settings', httpPort: 3000 }),
  // It follows the status topic, which the other services feed.
  ...consumerConfigShape({ groupId: 'connector-settings' }),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** HS256 secret for the users' Bearer JWTs; production sets its own or JWT_JWKS_URL instead. */
  JWT_SECRET: devSecret(
    z.string().min(32, 'use at least 32 characters'),
    'dev-only-secret-change-me-0123456789abcdef',
    {
      productionMinLength: 32,
      unusedWhen: (config) => config.JWT_JWKS_URL !== undefined,
    },
  ),
  /** Production: the identity provider's JWKS; when set, JWT_SECRET is not used. */
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).default('task-sync-dev'),
  JWT_AUDIENCE: z.string().min(1).default('task-sync'),
  /**
   * The claim that lists a user's roles: an array of strings or one space-separated string; a
   * dotted path reaches into an object (`realm_access.roles`, as Keycloak writes it).
   */
  JWT_ROLES_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, 'a claim name, or a dotted path such as realm_access.roles')
    .default('roles'),
  /** The role that may manage the org's reader (the integration user); others are answered 403. */
  JWT_ADMIN_ROLE: z.string().min(1).default('task-sync:admin'),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'e.g. 64kb')
    .default('64kb'),
  /** Production orgs' login URL (https://login.salesforce.com); the Salesforce sandbox by default. */
  SALESFORCE_LOGIN_URL: z.url().default('http://127.0.0.1:8610'),
  /** Sandbox orgs' login URL (https://test.salesforce.com); the Salesforce sandbox's stand-in by default. */
  SALESFORCE_SANDBOX_LOGIN_URL: z.url().default('http://127.0.0.1:8610/hosts/test.salesforce.com'),
  /**
   * A My Domain's login URL, `{host}` standing for the validated My Domain host (https://{host});
   * the Salesforce sandbox's stand-in by default.
   */
  SALESFORCE_MY_DOMAIN_URL_TEMPLATE: z
    .string()
    .refine(
      (t) => t.split('{host}').length === 2 && URL.canParse(t.replace('{host}', 'acme.my.salesforce.com')),
      'a URL with {host} once, e.g. https://{host}',
    )
    .default('http://127.0.0.1:8610/hosts/{host}'),
  SALESFORCE_CLIENT_ID: z.string().min(1).default('sandbox-client'),
  // Issued by Salesforce, so only a modest production minimum.
  SALESFORCE_CLIENT_SECRET: devSecret(z.string().min(1), 'sandbox-secret', { productionMinLength: 16 }),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d+\.\d$/)
    .default('62.0'),
  OAUTH_REDIRECT_URL: z.url().default('http://127.0.0.1:3000/v1/salesforce/oauth/callback'),
  /** Signs the OAuth state (CSRF). */
  OAUTH_STATE_SECRET: devSecret(z.string().min(32), 'dev-only-state-secret-change-me-0123456789', {
    productionMinLength: 32,
  }),
  /** How long a connect attempt may take, from "Connect Salesforce" to Salesforce's callback; each attempt works once. */
  OAUTH_STATE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
  /** Proxies in front of this service whose X-Forwarded-For is trusted for the client address (1 behind the Ingress). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Rate limits, counted per replica in fixed windows of this length. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  CONNECT_LIMIT_PER_USER: z.coerce.number().int().min(1).default(10),
  CONNECT_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
  CALLBACK_LIMIT_PER_USER: z.coerce.number().int().min(1).default(10),
  CALLBACK_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
  /** Failed authentications (user or service tokens) an address may make in a window before it is blocked. */
  AUTH_FAILURE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  AUTH_FAILURE_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * How old an org reader's preflight (View All Data, Task's Change Data Capture, the external-id
   * field) may get before it runs again; it also runs when the reader is connected.
   */
  ORG_READER_PREFLIGHT_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  /** It also runs at connect and on "Check again"; a failing one pauses the connection. */
  CONNECTION_PREFLIGHT_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  /**
   * Without an admin's allocation, the sync's own calls in an org may use this share of the org's
   * daily limit (as its last Sforce-Limit-Info said); reaching it pauses the org's reads and writes.
   */
  API_ALLOCATION_DEFAULT_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  /** Our calls are counted over this rolling window (Salesforce's: 24 hours), in buckets of API_CALLS_BUCKET_SECONDS. */
  API_CALLS_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .default(86_400),
  API_CALLS_BUCKET_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Its own Salesforce calls (the import preview) count against the org's allocation like the other services'.
  ...apiCallsConfigShape(),
  /** The R5 watchdog's gauges read the disabled connections this often (and at a scrape). */
  DELETE_WINDOW_METRICS_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** The reconciler's internal task-health routes (a task's timeline, Retry now, Ignore, Resync); called with its `reconciler:` token of INTERNAL_SERVICE_TOKENS. */
  RECONCILER_URL: z.url().default('http://127.0.0.1:3103'),
  /** A Sales Connect task's page in its app, `{taskId}` replaced: the links of failed tasks, conflicts and the timeline. */
  SALESCONNECT_APP_TASK_URL_TEMPLATE: z
    .string()
    .includes('{taskId}')
    .default('http://127.0.0.1:8620/app/tasks/{taskId}'),
  SETTINGS_PAGE_URL: z.url().default('http://127.0.0.1:3000/settings/crm/salesforce'),
  /** `kid:base64(32 bytes),…` (AES-256-GCM); rotate by adding a key and moving the id. */
  // Each key is checked, not its kid: the development key under another name is refused too. 43: base64 of 32 bytes.
  TOKEN_ENCRYPTION_KEYS: devSecret(z.string().min(1), 'dev1:ZGV2LW9ubHktdG9rZW4ta2V5LWNoYW5nZS1tZS0wMTI=', {
    productionMinLength: 43,
    parts: secretOfEachEntry,
  }),
  TOKEN_ENCRYPTION_KEY_ID: z.string().min(1).default('dev1'),
  /** `name:token,…`; the defaults match the other services' development defaults. */
  INTERNAL_SERVICE_TOKENS: devSecret(
    z.string().min(1),
    'sfdc-ingest:dev-only-sfdc-ingest-internal-token,reconciler:dev-only-reconciler-internal-token,salesconnect-ingest:dev-only-salesconnect-ingest-internal-token',
    {
      productionMinLength: 32,
      parts: secretOfEachEntry,
    },
  ),
});

export type ConnectorSettingsConfig = z.output<typeof connectorSettingsConfigSchema>;
