import type { EntityManager } from 'typeorm';

/** What the outbox's statements need: the caller's transaction (an EntityManager) or the DataSource. */
export type OutboxDb = Pick<EntityManager, 'query'>;

/** A message to publish (a row of outbox_message, CreateOutboxMessage1764000000001). */
export interface OutboxEntry {
  eventId: string;
  eventType: string;
  topic: string;
  key: string;
  /** The encoded event (encodeEvent from @task-sync/contracts), exactly as it goes on the wire. */
  payload: string;
}

/** An unpublished row, as the relay sends it: its id is a bigint, as text. */
export interface OutboxMessage extends OutboxEntry {
  id: string;
}

/**
 * Every statement on `outbox_message`. Rows are written in the same transaction as the change they
 * announce; the relay publishes them in id order and stamps `published_at` only after Kafka acknowledged them.
 */
export const outboxMessages = {
  /** One statement for any number of entries; ids follow the entries' order (the order they are published in). */
  async insert(db: OutboxDb, entries: readonly OutboxEntry[]): Promise<void> {
    await db.query(
      `INSERT INTO outbox_message (event_id, event_type, topic, message_key, payload)
       SELECT event_id, event_type, topic, message_key, payload
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         WITH ORDINALITY AS e(event_id, event_type, topic, message_key, payload, n)
       ORDER BY n`,
      [
        entries.map((e) => e.eventId),
        entries.map((e) => e.eventType),
        entries.map((e) => e.topic),
        entries.map((e) => e.key),
        entries.map((e) => e.payload),
      ],
    );
  },

  /** The oldest unpublished rows, locked; rows another replica is sending are skipped. */
  lockUnpublished(db: OutboxDb, limit: number): Promise<OutboxMessage[]> {
    return db.query(
      // Ordered by o.id, the bigint: a bare `id` would be the text column of the select list (10 before 9).
      `SELECT o.id::text AS id, o.event_id AS "eventId", o.event_type AS "eventType", o.topic, o.message_key AS key, o.payload
       FROM outbox_message o WHERE o.published_at IS NULL ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  },

  async markPublished(db: OutboxDb, ids: readonly string[]): Promise<void> {
    await db.query(`UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  },

  /** Kafka did not acknowledge the rows: counted, with the error, and tried again. */
  async recordFailure(db: OutboxDb, ids: readonly string[], error: string): Promise<void> {
    await db.query(`UPDATE outbox_message SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`, [
      ids,
      error.slice(0, 1000),
    ]);
  },

  async countUnpublished(db: OutboxDb): Promise<number> {
    const [row]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
    );
    return row.n;
  },
};
