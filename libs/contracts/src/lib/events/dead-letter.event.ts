import { z } from 'zod';
import { eventEnvelope } from './envelope';

export const DEAD_LETTER = 'dead-letter';

/** What a consumer could not process, with the reason, so an operator can see and replay it. */
export const deadLetterSchema = z
  .object({
    ...eventEnvelope(DEAD_LETTER),
    consumer: z.string().min(1),
    sourceTopic: z.string().min(1),
    sourcePartition: z.number().int().nonnegative(),
    sourceOffset: z.string().regex(/^\d+$/),
    reasonCode: z.string().min(1),
    reason: z.string(),
    /** The original key, headers and value as text (values are JSON, or were meant to be). */
    originalKey: z.string().nullable(),
    originalHeaders: z.record(z.string(), z.string()),
    originalValue: z.string().nullable(),
  })
  .strict();

export type DeadLetter = z.infer<typeof deadLetterSchema>;
