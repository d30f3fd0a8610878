import { z } from 'zod';
import { consumerConfigShape, serviceConfigShape } from '@task-sync/util-config';

/** Every variable connector-settings reads, with its default. Read once, in main.ts. */
export const connectorSettingsConfigSchema = z
  .object({
    ...serviceConfigShape({ serviceName: 'connector-settings', httpPort: 3000 }),
    // It follows the status topic, which the other services feed.
    ...consumerConfigShape({ groupId: 'connector-settings' }),
    /** How often the outbox relay looks for committed, unpublished messages. */
    OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
    OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
    /**
     * HS256 secret for the users' Bearer JWTs (development). The default is for a developer's
     * machine only; production sets JWT_JWKS_URL instead.
     */
    JWT_SECRET: z.string().min(32, 'use at least 32 characters').default('dev-only-secret-change-me-0123456789abcdef'),
    /** Production: the identity provider's JWKS; when set, JWT_SECRET is not used. */
    JWT_JWKS_URL: z.url().optional(),
    JWT_ISSUER: z.string().min(1).default('task-sync-dev'),
    JWT_AUDIENCE: z.string().min(1).default('task-sync'),
    /** Largest request body accepted; more is answered 413. */
    HTTP_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'e.g. 64kb').default('64kb'),
    /** Salesforce's login URL; the Salesforce sandbox by default. */
    SALESFORCE_LOGIN_URL: z.url().default('http://127.0.0.1:8610'),
    SALESFORCE_CLIENT_ID: z.string().min(1).default('sandbox-client'),
    SALESFORCE_CLIENT_SECRET: z.string().min(1).default('sandbox-secret'),
    SALESFORCE_API_VERSION: z.string().regex(/^\d+\.\d$/).default('62.0'),
    /** Where Salesforce sends the browser back: this service's callback route. */
    OAUTH_REDIRECT_URL: z.url().default('http://127.0.0.1:3000/v1/salesforce/oauth/callback'),
    /** Signs the OAuth state (CSRF). Development default; set a real one anywhere else. */
    OAUTH_STATE_SECRET: z.string().min(32).default('dev-only-state-secret-change-me-0123456789'),
    OAUTH_STATE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
    /** The settings page the callback returns the browser to. */
    SETTINGS_PAGE_URL: z.url().default('http://127.0.0.1:3000/settings/crm/salesforce'),
    /**
     * Keys that seal refresh tokens (AES-256-GCM): `kid:base64(32 bytes),…`. The development
     * default is a fixed key; production sets its own and rotates by adding one and moving the id.
     */
    TOKEN_ENCRYPTION_KEYS: z.string().min(1).default('dev1:ZGV2LW9ubHktdG9rZW4ta2V5LWNoYW5nZS1tZS0wMTI='),
    TOKEN_ENCRYPTION_KEY_ID: z.string().min(1).default('dev1'),
    /**
     * The services allowed on the internal API (Salesforce sessions), `name:token,…`, 24+ characters
     * a token. The defaults match the other services' development defaults; production sets its own.
     */
    INTERNAL_SERVICE_TOKENS: z
      .string()
      .min(1)
      .default('sfdc-ingest:dev-only-sfdc-ingest-internal-token,reconciler:dev-only-reconciler-internal-token'),
  });

export type ConnectorSettingsConfig = z.output<typeof connectorSettingsConfigSchema>;
