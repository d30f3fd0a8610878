import { z } from 'zod';
import { eventEnvelope } from './envelope';

export const CONNECTION_STATUS_CHANGED = 'connection-status-changed';

/**
 * The states a connection shows on the settings page (after Heroku Connect's connection states).
 * `setup-required`: paused because the connection's preflight failed (connector-settings knows which
 * state: missing-external-id-field, field-not-unique, …, and shows that one).
 */
export const CONNECTION_STATES = [
  'idle',
  'importing',
  'syncing',
  'paused-api-limit',
  'unauthorized',
  'setup-required',
  'error',
] as const;

/** Every service reports what it knows of a connection; connector-settings shows it. */
export const connectionStatusChangedSchema = z
  .object({
    ...eventEnvelope(CONNECTION_STATUS_CHANGED),
    connectionId: z.string().min(1),
    reportedBy: z.string().min(1),
    state: z.enum(CONNECTION_STATES),
    /** The current import (R1: found / imported / failed, and done). */
    import: z
      .object({
        enableAt: z.iso.datetime(),
        found: z.number().int().nonnegative(),
        imported: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        done: z.boolean(),
      })
      .strict()
      .optional(),
    lastSyncedAt: z.iso.datetime().optional(),
    apiUsage: z
      .object({ used: z.number().int().nonnegative(), limit: z.number().int().positive() })
      .strict()
      .optional(),
    error: z
      .object({ code: z.string().min(1), message: z.string() })
      .strict()
      .optional(),
  })
  .strict();

export type ConnectionStatusChanged = z.infer<typeof connectionStatusChangedSchema>;
