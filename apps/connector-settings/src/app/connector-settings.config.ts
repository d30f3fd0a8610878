import { z } from 'zod';
import { serviceConfigShape } from '@task-sync/util-config';

/** Every variable connector-settings reads, with its default. Read once, in main.ts. */
export const connectorSettingsConfigSchema = z
  .object({
    ...serviceConfigShape({ serviceName: 'connector-settings', httpPort: 3000 }),
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
  });

export type ConnectorSettingsConfig = z.output<typeof connectorSettingsConfigSchema>;
