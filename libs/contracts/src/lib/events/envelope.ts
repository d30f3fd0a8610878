import { z } from 'zod';

/** The fields every event starts with: its id (consumers de-duplicate on it), type and time. */
export function eventEnvelope<T extends string>(type: T) {
  return { eventId: z.uuid(), type: z.literal(type), occurredAt: z.iso.datetime() };
}
