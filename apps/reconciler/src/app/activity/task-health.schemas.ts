import { z } from 'zod';

/** `?offset=&limit=` of every list: limit 50 by default, 200 at most. */
export const pageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const taskSearchQuerySchema = pageQuerySchema.extend({ q: z.string().max(255).default('') });

const side = z.enum(['sfdc', 'salesconnect']);

/** Retry now / Ignore: some tasks, or a whole group (code and side); `by`: who asked, for the timeline. */
export const failedWriteSelectionSchema = z.union([
  z
    .object({
      items: z
        .array(z.object({ linkId: z.uuid(), side }))
        .min(1)
        .max(500),
      by: z.string().max(200).optional(),
    })
    .strict(),
  z.object({ code: z.string().min(1).max(100), side, by: z.string().max(200).optional() }).strict(),
]);

export const resyncBodySchema = z.object({ by: z.string().max(200).optional() }).strict();

export type FailedWriteSelectionBody = z.infer<typeof failedWriteSelectionSchema>;
