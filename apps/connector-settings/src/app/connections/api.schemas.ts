import { z } from 'zod';

/** PUT /v1/connections/{id}/task-sync */
export const saveTaskSyncBodySchema = z
  .object({
    /** The "Sync tasks" checkbox. */
    enabled: z.boolean(),
  })
  .strict();

export type SaveTaskSyncBody = z.output<typeof saveTaskSyncBodySchema>;

/** POST /v1/salesforce/connect, when it has a body (it is optional). */
export const startConnectBodyObjectSchema = z
  .object({
    startOver: z
      .boolean()
      .optional()
      .describe(
        "The user confirmed starting over should they sign in as another Salesforce user or org than their connection's: it is disconnected (its links and history go) and the new one's first enable imports like any first one (R2). Changes nothing when they sign in as the same Salesforce user. Default false",
      ),
  })
  .strict();

export const startConnectBodySchema = startConnectBodyObjectSchema.optional();

export type StartConnectBody = z.output<typeof startConnectBodySchema>;
