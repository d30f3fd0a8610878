import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { processEachOnce, processOnce } from './idempotent-processor';
import { CreateProcessedMessage1764000000000 } from './migrations';

describe('processOnce (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'processed_spec',
      migrations: [CreateProcessedMessage1764000000000],
    });
    await db.dataSource.query(`CREATE TABLE effect (event_id uuid NOT NULL)`);
  });
  afterAll(() => db.drop());

  const ref = (eventId: string, consumer = 'spec') => ({ consumer, eventId, topic: 't', partition: 0, offset: '7' });
  const effects = async (eventId: string) =>
    Number((await db.dataSource.query(`SELECT count(*) AS n FROM effect WHERE event_id = $1`, [eventId]))[0].n);
  const effect = (eventId: string) => (m: import('typeorm').EntityManager) =>
    m.query(`INSERT INTO effect VALUES ($1)`, [eventId]).then(() => undefined);

  it('applies an event once, however often it is delivered', async () => {
    const eventId = randomUUID();
    expect(await processOnce(db.dataSource, ref(eventId), effect(eventId))).toBe('applied');
    expect(await processOnce(db.dataSource, ref(eventId), effect(eventId))).toBe('duplicate');
    expect(await effects(eventId)).toBe(1);
  });

  it('records nothing when the effect fails, so the redelivery applies it', async () => {
    const eventId = randomUUID();
    await expect(
      processOnce(db.dataSource, ref(eventId), async (m) => {
        await effect(eventId)(m);
        throw new Error('the write to the other side failed');
      }),
    ).rejects.toThrow('the write to the other side failed');
    expect(await effects(eventId)).toBe(0);
    expect(await processOnce(db.dataSource, ref(eventId), effect(eventId))).toBe('applied');
    expect(await effects(eventId)).toBe(1);
  });

  it('keeps consumers apart: each service applies the same event once', async () => {
    const eventId = randomUUID();
    expect(await processOnce(db.dataSource, ref(eventId, 'a'), effect(eventId))).toBe('applied');
    expect(await processOnce(db.dataSource, ref(eventId, 'b'), effect(eventId))).toBe('applied');
    expect(await effects(eventId)).toBe(2);
  });

  it('lets only one of two concurrent deliveries apply the effect', async () => {
    const eventId = randomUUID();
    const outcomes = await Promise.all([1, 2, 3].map(() => processOnce(db.dataSource, ref(eventId), effect(eventId))));
    expect(outcomes.sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await effects(eventId)).toBe(1);
  });

  describe('processEachOnce (a run of one partition)', () => {
    const insertFresh = (ids: string[]) => (m: import('typeorm').EntityManager, fresh: boolean[]) =>
      m.query(`INSERT INTO effect SELECT unnest($1::uuid[])`, [ids.filter((_, i) => fresh[i])]).then(() => undefined);

    it('applies each new event of a run once, and skips one seen before and a repeat inside the run', async () => {
      const [seen, a, b] = [randomUUID(), randomUUID(), randomUUID()];
      await processOnce(db.dataSource, ref(seen), effect(seen));
      const ids = [a, seen, b, a];
      const outcomes = await processEachOnce(
        db.dataSource,
        ids.map((id) => ref(id)),
        insertFresh(ids),
      );
      expect(outcomes).toEqual(['applied', 'duplicate', 'applied', 'duplicate']);
      expect([await effects(a), await effects(seen), await effects(b)]).toEqual([1, 1, 1]);
    });

    it('does not call the effect when the whole run was seen', async () => {
      const id = randomUUID();
      await processOnce(db.dataSource, ref(id), effect(id));
      let called = false;
      const outcomes = await processEachOnce(db.dataSource, [ref(id)], async () => void (called = true));
      expect(outcomes).toEqual(['duplicate']);
      expect(called).toBe(false);
    });

    it('records none of the run when its effect fails, so the redelivery applies all of it', async () => {
      const ids = [randomUUID(), randomUUID()];
      await expect(
        processEachOnce(
          db.dataSource,
          ids.map((id) => ref(id)),
          async (m, fresh) => {
            await insertFresh(ids)(m, fresh);
            throw new Error('deadlock detected');
          },
        ),
      ).rejects.toThrow('deadlock detected');
      expect(await effects(ids[0])).toBe(0);
      expect(
        await processEachOnce(
          db.dataSource,
          ids.map((id) => ref(id)),
          insertFresh(ids),
        ),
      ).toEqual(['applied', 'applied']);
      expect([await effects(ids[0]), await effects(ids[1])]).toEqual([1, 1]);
    });
  });
});
