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

export const DEAD_LETTER_REPLAYED = 'dead-letter-replayed';

/**
 * The operator's replay of a dead letter (`npm run ops -- dead-letters replay`), on the dead-letter
 * topic beside the letter, so the next `list` says it was replayed and a second replay skips it.
 */
export const deadLetterReplayedSchema = z
  .object({
    ...eventEnvelope(DEAD_LETTER_REPLAYED),
    /** The letter's own event id. */
    deadLetterEventId: z.uuid(),
    /** Where its original message went again, and at which offset. */
    topic: z.string().min(1),
    partition: z.number().int().nonnegative(),
    offset: z.string().regex(/^\d+$/),
    replayedBy: z.string().min(1),
  })
  .strict();

export type DeadLetterReplayed = z.infer<typeof deadLetterReplayedSchema>;
