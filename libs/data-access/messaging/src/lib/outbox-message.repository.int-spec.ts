import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { CreateOutboxMessage1764000000001 } from './migrations';
import { outboxMessages, type OutboxEntry } from './outbox-message.repository';

describe('outboxMessages (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ schema: 'outbox_rows_spec', migrations: [CreateOutboxMessage1764000000001] });
  });
  afterAll(() => db.drop());
  beforeEach(() => db.dataSource.query(`DELETE FROM outbox_message`));

  const entries = (n: number): OutboxEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      eventId: randomUUID(),
      eventType: 'spec',
      topic: 't',
      key: `k${i}`,
      payload: JSON.stringify({ i }),
    }));

  it('inserts entries in their order and hands them back unpublished, in id order, with every field', async () => {
    const rows = entries(12);
    await outboxMessages.insert(db.dataSource, rows);

    const locked = await db.dataSource.transaction((m) => outboxMessages.lockUnpublished(m, 20));

    // Twelve rows: ordered by id as text, id 10 would come before id 2.
    expect(
      locked.map(({ eventId, eventType, topic, key, payload }) => ({ eventId, eventType, topic, key, payload })),
    ).toEqual(rows);
    expect(typeof locked[0].id).toBe('string');
    expect(await outboxMessages.countUnpublished(db.dataSource)).toBe(12);
  });

  it('skips rows another transaction holds, so two relays never send the same row', async () => {
    await outboxMessages.insert(db.dataSource, entries(3));
    await db.dataSource.transaction(async (first) => {
      const held = await outboxMessages.lockUnpublished(first, 2);
      const rest = await db.dataSource.transaction((second) => outboxMessages.lockUnpublished(second, 10));
      expect(held).toHaveLength(2);
      expect(rest).toHaveLength(1);
      expect(held.map((r) => r.id)).not.toContain(rest[0].id);
    });
  });

  it('marks rows published, and records a failed send on the rows it names only', async () => {
    await outboxMessages.insert(db.dataSource, entries(3));
    const [a, b, c] = await db.dataSource.transaction((m) => outboxMessages.lockUnpublished(m, 3));

    await outboxMessages.recordFailure(db.dataSource, [b.id, c.id], 'x'.repeat(1500));
    await outboxMessages.markPublished(db.dataSource, [a.id]);

    const stored: { id: string; attempts: number; last_error: string | null; published: boolean }[] =
      await db.dataSource.query(
        `SELECT id::text AS id, attempts, last_error, published_at IS NOT NULL AS published FROM outbox_message ORDER BY id`,
      );
    expect(stored.map((r) => [r.id, r.attempts, r.last_error?.length ?? null, r.published])).toEqual([
      [a.id, 0, null, true],
      [b.id, 1, 1000, false],
      [c.id, 1, 1000, false],
    ]);
    expect(await outboxMessages.countUnpublished(db.dataSource)).toBe(2);
    expect((await db.dataSource.transaction((m) => outboxMessages.lockUnpublished(m, 10))).map((r) => r.id)).toEqual([
      b.id,
      c.id,
    ]);
  });
});
