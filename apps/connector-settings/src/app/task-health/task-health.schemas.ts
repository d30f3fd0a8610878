import { z } from 'zod';

/** `?offset=&limit=` of every list: limit 50 by default, 200 at most. */
export const pageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const side = z.enum(['sfdc', 'salesconnect']);

export const failedTasksQuerySchema = pageQuerySchema.extend({
  code: z.string().min(1).max(100).optional(),
  side: side.optional(),
});
export const failedTasksCsvQuerySchema = z.object({
  code: z.string().min(1).max(100).optional(),
  side: side.optional(),
});
export const taskSearchQuerySchema = pageQuerySchema.extend({ q: z.string().trim().max(255).default('') });

/** Retry now / Ignore: some tasks (`{ items: [{ linkId, side }] }`) or a whole group (`{ code, side }`). */
export const failedTaskSelectionSchema = z.union([
  z
    .object({
      items: z
        .array(z.object({ linkId: z.uuid(), side }).strict())
        .min(1)
        .max(500),
    })
    .strict(),
  z.object({ code: z.string().min(1).max(100), side }).strict(),
]);

export type FailedTaskSelection = z.infer<typeof failedTaskSelectionSchema>;
