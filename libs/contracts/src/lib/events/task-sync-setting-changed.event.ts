import { z } from 'zod';
import { eventEnvelope } from './envelope';

export const TASK_SYNC_SETTING_CHANGED = 'task-sync-setting-changed';

/**
 * connector-settings publishes this when a user saves the "Sync tasks" setting.
 * `kind` tells the first enable (R2, R3) from a re-enable (R5) and a disable (R7). The same change
 * may be published again under a new event id (same `kind` and `changedAt`) to carry fields added
 * since; consumers keep it as one change.
 */
export const taskSyncSettingChangedSchema = z
  .object({
    ...eventEnvelope(TASK_SYNC_SETTING_CHANGED),
    tenantId: z.string().min(1),
    userId: z.string().min(1),
    connectionId: z.string().min(1),
    enabled: z.boolean(),
    kind: z.enum(['first-enable', 're-enable', 'disable']),
    /** The instant the setting was saved; R2's 24 hours and R5's 15 days end here. */
    changedAt: z.iso.datetime(),
    /** The user's IANA time zone (Command Center's "today" and "tomorrow"). */
    timeZone: z.string().min(1),
    /**
     * The connection's Salesforce org and user: how sfdc-ingest routes an org's change (read once for
     * the whole org by its reader) to the connections of the task's owner. Optional, so events
     * published before they were added still decode.
     */
    sfdcOrgId: z.string().min(1).optional(),
    sfdcUserId: z.string().min(1).optional(),
  })
  .strict()
  .refine((e) => e.enabled === (e.kind !== 'disable'), {
    message: 'enabled must be true for an enable and false for a disable',
    path: ['enabled'],
  });

export type TaskSyncSettingChanged = z.infer<typeof taskSyncSettingChangedSchema>;
