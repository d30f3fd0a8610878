import { z } from 'zod';
import type { AppToken } from './request-context';
import { isKnownTimeZone } from './time-zone';

/** The task sync's own integration app, so local config works with no setting. */
export const DEFAULT_APP_TOKENS: readonly AppToken[] = [{ name: 'task-sync', token: 'sc_app_task_sync_dev' }];

const APP_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const APP_TOKEN = /^[\x21-\x7e]{16,255}$/;

/** `name:token,name:token` → the integration apps; names and tokens unique. */
export const appTokensSchema = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .transform((entry) => {
            const colon = entry.indexOf(':');
            return colon < 0
              ? { name: '', token: entry }
              : { name: entry.slice(0, colon), token: entry.slice(colon + 1) };
          })
          .refine((app) => APP_NAME.test(app.name) && APP_TOKEN.test(app.token), {
            message: 'each entry is name:token (name 1-64 of A-Za-z0-9._-, token 16-255 visible ASCII characters)',
          }),
      )
      .refine(
        (apps) =>
          new Set(apps.map((a) => a.name)).size === apps.length &&
          new Set(apps.map((a) => a.token)).size === apps.length,
        {
          message: 'app names and tokens must be unique',
        },
      ),
  );

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
  SALESCONNECT_SANDBOX_DEFAULT_TIME_ZONE: z
    .string()
    .refine(isKnownTimeZone, { message: 'must be an IANA time zone' })
    .default('America/Sao_Paulo'),
  /** Integration apps (`name:token,…`): a token that acts for any user, as the task sync's own. */
  SALESCONNECT_SANDBOX_APP_TOKENS: appTokensSchema.default([...DEFAULT_APP_TOKENS]),
});

export type SandboxConfig = z.output<typeof sandboxConfigSchema>;
