import { z } from 'zod';
import { eventEnvelope } from './envelope';

export const ORG_STREAM_STATUS_CHANGED = 'org-stream-status-changed';

/**
 * An org's change stream: `streaming`; `retrying` (ended, subscribing again shortly); `down`
 * (Salesforce refuses it for now: a limit, a permission); `stopped` (no enabled connection wants it).
 */
export const ORG_STREAM_STATES = ['streaming', 'retrying', 'down', 'stopped'] as const;
export type OrgStreamState = (typeof ORG_STREAM_STATES)[number];

/** sfdc-ingest → connector-settings: how an org's stream stands, so its reps' status can say so. */
export const orgStreamStatusChangedSchema = z
  .object({
    ...eventEnvelope(ORG_STREAM_STATUS_CHANGED),
    orgId: z.string().min(15),
    reportedBy: z.string().min(1),
    state: z.enum(ORG_STREAM_STATES),
    reason: z.string(),
    /** While not streaming: how often the org's poll reads its changes meanwhile. */
    pollEveryMs: z.number().int().positive().optional(),
    /** `retrying` / `down`: when the stream is tried again. */
    retryAt: z.iso.datetime().optional(),
  })
  .strict();

export type OrgStreamStatusChanged = z.infer<typeof orgStreamStatusChangedSchema>;
