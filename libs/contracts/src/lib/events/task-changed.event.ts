import { z } from 'zod';
import { eventEnvelope } from './envelope';
import { taskFieldsSchema } from './task-fields.schema';

export const SFDC_TASK_CHANGED = 'sfdc-task-changed';
export const SALESCONNECT_TASK_CHANGED = 'salesconnect-task-changed';

/** A change to one task on one side (SyncChange in @task-sync/sync-rules), as the ingest services publish it. */
const changeShape = {
  connectionId: z.string().min(1),
  kind: z.enum(['upsert', 'delete']),
  taskId: z.string().min(1),
  /** The task's fields after the change; null for a delete. */
  fields: taskFieldsSchema.nullable(),
  changedAt: z.iso.datetime(),
  createdAt: z.iso.datetime().nullable(),
  origin: z.string().nullable(),
  source: z.enum(['import', 'reenable-deletes', 'live']),
  enableAt: z.iso.datetime().optional(),
  /** How a live change was read: the org's change stream or a poll (Salesforce), a webhook or the change feed (Sales Connect); for the task's timeline. Absent from events published before it. */
  via: z.enum(['stream', 'poll', 'webhook', 'feed']).optional(),
};

function refineChange<T extends { kind: string; fields: unknown; source: string; enableAt?: string }>(
  schema: z.ZodType<T>,
) {
  return schema
    .refine((e) => (e.kind === 'delete') === (e.fields === null), {
      message: 'a delete carries no fields and an upsert carries them',
      path: ['fields'],
    })
    .refine((e) => e.source === 'live' || e.enableAt !== undefined, {
      message: 'an import or re-enable read names its enable',
      path: ['enableAt'],
    });
}

export const sfdcTaskChangedSchema = refineChange(
  z
    .object({
      ...eventEnvelope(SFDC_TASK_CHANGED),
      ...changeShape,
      externalId: z.string().nullable(),
      /** The task's OwnerId as read (R8); optional, so events published before it decode. */
      ownerId: z.string().nullable().optional(),
    })
    .strict(),
);

export const salesConnectTaskChangedSchema = refineChange(
  z
    .object({
      ...eventEnvelope(SALESCONNECT_TASK_CHANGED),
      ...changeShape,
      /** The task's version after the change; optional, so events published before it decode. */
      version: z.number().int().positive().optional(),
    })
    .strict(),
);

export type SfdcTaskChanged = z.infer<typeof sfdcTaskChangedSchema>;
export type SalesConnectTaskChanged = z.infer<typeof salesConnectTaskChangedSchema>;
