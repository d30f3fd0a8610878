import type { DataSource, EntityManager } from 'typeorm';

export interface ProcessedMessageRef {
  consumer: string;
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

export type ProcessOutcome = 'applied' | 'duplicate';

/**
 * Applies an event's effect and records the event as processed in ONE transaction. A redelivered
 * event finds its record and is skipped, so a crash between the commit and the Kafka offset commit
 * repeats nothing. The caller commits `offset + 1` only after this resolves.
 */
export async function processOnce(
  dataSource: DataSource,
  ref: ProcessedMessageRef,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<ProcessOutcome> {
  const [outcome] = await processEachOnce(dataSource, [ref], (manager) => effect(manager));
  return outcome;
}

/**
 * The same for a run of events (one partition's, in order) in ONE transaction: their records are
 * written in one statement, and `effect` is told which of them are new (`fresh[i]`); it is not
 * called when none is. An event seen before, or twice in the run, is a duplicate after its first.
 * When the effect throws, nothing of the run is recorded, so its redelivery applies all of it.
 */
export async function processEachOnce(
  dataSource: DataSource,
  refs: ProcessedMessageRef[],
  effect: (manager: EntityManager, fresh: boolean[]) => Promise<void>,
): Promise<ProcessOutcome[]> {
  if (refs.length === 0) return [];
  return dataSource.transaction(async (manager) => {
    const inserted: { consumer: string; event_id: string }[] = await manager.query(
      `INSERT INTO processed_message (consumer, event_id, topic, partition, kafka_offset)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::bigint[])
       ON CONFLICT DO NOTHING RETURNING consumer, event_id`,
      [
        refs.map((r) => r.consumer),
        refs.map((r) => r.eventId),
        refs.map((r) => r.topic),
        refs.map((r) => r.partition),
        refs.map((r) => r.offset),
      ],
    );
    // Each new record makes the first of its refs fresh; a repeat inside the run finds it taken.
    const unclaimed = new Set(inserted.map((r) => `${r.consumer}/${r.event_id}`));
    const fresh = refs.map((r) => unclaimed.delete(`${r.consumer}/${r.eventId.toLowerCase()}`));
    if (fresh.some(Boolean)) await effect(manager, fresh);
    return fresh.map((f) => (f ? 'applied' : 'duplicate'));
  });
}
