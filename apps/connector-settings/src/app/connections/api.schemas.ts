import { z } from 'zod';

/** PUT /v1/connections/{id}/task-sync */
export const saveTaskSyncBodySchema = z
  .object({
    /** The "Sync tasks" checkbox. */
    enabled: z.boolean(),
  })
  .strict();

export type SaveTaskSyncBody = z.output<typeof saveTaskSyncBodySchema>;
