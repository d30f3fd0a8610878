import { z } from 'zod';
import { eventEnvelope } from './envelope';

export const FAILED_WRITE_CHANGED = 'failed-write-changed';

/**
 * reconciler → connector-settings: a task's write to one side was refused and is retried on a
 * schedule (`failed`), or it landed, or a later change of the task took its place (`cleared`), or a
 * person chose to ignore it (`ignored`: no more retries until the task changes; off the problems list).
 * Keyed by the connection, on the status topic, so the connection's status and failed tasks stay in order.
 */
export const failedWriteChangedSchema = z
  .object({
    ...eventEnvelope(FAILED_WRITE_CHANGED),
    connectionId: z.string().min(1),
    reportedBy: z.string().min(1),
    /** The pair (the reconciler's link id), and the side the write goes to. */
    linkId: z.string().min(1),
    side: z.enum(['sfdc', 'salesconnect']),
    salesConnectTaskId: z.string().nullable(),
    sfdcTaskId: z.string().nullable(),
    state: z.enum(['failed', 'cleared', 'ignored']),
    /** The task's subject as the reconciler's link has it (absent from reports published before it). */
    subject: z.string().nullable().optional(),
    /** `failed` only: the write, the refusal, how many tries failed, and the next one (null: no more, the bound was reached). */
    kind: z.enum(['create', 'update', 'delete', 'none']).optional(),
    code: z.string().min(1).optional(),
    reason: z.string().optional(),
    attempts: z.number().int().positive().optional(),
    firstFailedAt: z.iso.datetime().optional(),
    nextRetryAt: z.iso.datetime().nullable().optional(),
  })
  .strict();

export type FailedWriteChanged = z.infer<typeof failedWriteChangedSchema>;
