import { z } from 'zod';
import { isKnownTimeZone } from './time-zone';

/** Every variable the sandbox reads, with its default. */
export const sandboxConfigSchema = z.object({
  /** 0 picks a free port (the address is printed). */
  SALESCONNECT_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8620),
  SALESCONNECT_SANDBOX_HOST: z.string().default('127.0.0.1'),
  /** State file: loaded at start, written at stop and by POST /__admin/snapshot. Unset = memory only. */
  SALESCONNECT_SANDBOX_SNAPSHOT: z.string().optional(),
  SALESCONNECT_SANDBOX_WEBHOOK_SECRET: z.string().min(8).default('sandbox-webhook-secret'),
  /** At least the 7 days the issue promises the ingest's catch-up. */
  SALESCONNECT_SANDBOX_RETENTION_DAYS: z.coerce.number().int().min(7).max(365).default(7),
  SALESCONNECT_SANDBOX_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
  SALESCONNECT_SANDBOX_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE: z.string().refine(isKnownTimeZone, { message: 'must be an IANA time zone' }).default('America/Sao_Paulo'),
});

export type SandboxConfig = z.output<typeof sandboxConfigSchema>;
