import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { IndexTaskWriteQueue1764000000402, CreateTaskLinks1764000000400 } from '../links/migrations';
import { coalesceWrites } from '@task-sync/sync-rules';
import { TaskLinksRepository } from '../links/task-links.repository';
import { WriteQueueRepository, type LandedWrite } from './write-queue.repository';

const writeQueue = new WriteQueueRepository();
const links = new TaskLinksRepository();

describe('the write queue as the flusher reads it (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'write_queue_spec',
      migrations: [CreateTaskLinks1764000000400, IndexTaskWriteQueue1764000000402],
    });
  });
  afterAll(() => db.drop());
  beforeEach(() => db.dataSource.query(`DELETE FROM task_write`));

  /** `count` queued writes of one connection, due `inSeconds` from now (negative: overdue). */
  const queue = (connectionId: string, count: number, inSeconds: number) =>
    db.dataSource.query(
      `INSERT INTO task_write (connection_id, link_id, side, action, next_attempt_at)
       SELECT $1, gen_random_uuid(), 'salesconnect', '{"type":"delete"}', now() + make_interval(secs => $3) FROM generate_series(1, $2)`,
      [connectionId, count, inSeconds],
    );

  const queuedIds = async (countUpTo = 200) =>
    (await writeQueue.dueConnections(db.dataSource, countUpTo)).map((c) => c.connectionId);

  it('dueConnections: nothing queued, no connection', async () => {
    expect(await queuedIds()).toEqual([]);
  });

  it('dueConnections lists each connection with a write due once, in id order, and leaves out those whose writes all wait', async () => {
    await queue('conn-c', 3, -1);
    await queue('conn-a', 500, -5);
    await queue('conn-b', 4, 60); // every write waits for a retry a minute away
    await queue('conn-d', 2, 60);
    await queue('conn-d', 1, -1); // one of its writes is due
    expect(await queuedIds()).toEqual(['conn-a', 'conn-c', 'conn-d']);
  });

  it('dueConnections: a connection whose last due write is gone drops out; its waiting writes keep the others listed', async () => {
    const ids = [randomUUID(), randomUUID()];
    await db.dataSource.query(
      `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ('conn-x', $1, 'sfdc', '{"type":"delete"}'), ('conn-y', $2, 'sfdc', '{"type":"delete"}')`,
      ids,
    );
    await queue('conn-y', 2, 30);
    expect(await queuedIds()).toEqual(['conn-x', 'conn-y']);
    await db.dataSource.query(`DELETE FROM task_write WHERE link_id = ANY($1::uuid[])`, [ids]);
    expect(await queuedIds()).toEqual([]);
  });

  it("dueConnections: each connection's due Salesforce writes as the gather decision needs them (count, oldest, newest); Sales Connect's due or not", async () => {
    await db.dataSource.query(
      `INSERT INTO task_write (connection_id, link_id, side, action, created_at) VALUES
         ('conn-young', gen_random_uuid(), 'sfdc', '{"type":"delete"}', now()),
         ('conn-old', gen_random_uuid(), 'sfdc', '{"type":"delete"}', now() - interval '3 seconds'),
         ('conn-old', gen_random_uuid(), 'sfdc', '{"type":"delete"}', now() - interval '1 second'),
         ('conn-sc', gen_random_uuid(), 'salesconnect', '{"type":"delete"}', now())`,
    );
    const byId = new Map((await writeQueue.dueConnections(db.dataSource, 200)).map((c) => [c.connectionId, c]));
    expect([...byId.keys()]).toEqual(['conn-old', 'conn-sc', 'conn-young']);
    expect(byId.get('conn-sc')).toEqual({
      connectionId: 'conn-sc',
      salesConnectDue: true,
      sfdc: { queued: 0, mix: { updates: 0, upserts: 0, deletes: 0 }, oldestWaitedMs: 0, newestWaitedMs: 0 },
    });
    const old = byId.get('conn-old');
    expect([old?.salesConnectDue, old?.sfdc.queued]).toEqual([false, 2]);
    expect(old?.sfdc.oldestWaitedMs).toBeGreaterThanOrEqual(3000);
    expect(old?.sfdc.newestWaitedMs).toBeGreaterThanOrEqual(1000);
    expect(old?.sfdc.newestWaitedMs).toBeLessThan(3000);
    // Counted up to a round's worth; a write waiting for a retry is not counted, and one with none due drops out.
    expect(
      (await writeQueue.dueConnections(db.dataSource, 1)).find((c) => c.connectionId === 'conn-old')?.sfdc.queued,
    ).toBe(1);
    await db.dataSource.query(
      `UPDATE task_write SET next_attempt_at = now() + interval '1 minute' WHERE connection_id = 'conn-old' AND created_at < now() - interval '2 seconds'`,
    );
    expect(
      (await writeQueue.dueConnections(db.dataSource, 200)).find((c) => c.connectionId === 'conn-old')?.sfdc.queued,
    ).toBe(1);
    await db.dataSource.query(
      `UPDATE task_write SET next_attempt_at = now() + interval '1 minute' WHERE connection_id = 'conn-old'`,
    );
    expect(await queuedIds()).toEqual(['conn-sc', 'conn-young']);
  });

  it("dueConnections: the due Salesforce writes' mix, as a Composite request takes them: tasks to update (a task's writes once), creates, deletes", async () => {
    const [twice, once] = [randomUUID(), randomUUID()];
    await db.dataSource.query(
      `INSERT INTO task_write (connection_id, link_id, side, action) VALUES
         ('conn-mix', $1, 'sfdc', '{"type":"update","fields":{"title":"a"}}'),
         ('conn-mix', $1, 'sfdc', '{"type":"complete"}'),
         ('conn-mix', $2, 'sfdc', '{"type":"reopen"}'),
         ('conn-mix', gen_random_uuid(), 'sfdc', '{"type":"create","fields":{"title":"b"}}'),
         ('conn-mix', gen_random_uuid(), 'sfdc', '{"type":"delete"}'),
         ('conn-mix', gen_random_uuid(), 'sfdc', '{"type":"delete"}'),
         ('conn-mix', gen_random_uuid(), 'salesconnect', '{"type":"update","fields":{"title":"c"}}')`,
      [twice, once],
    );
    const [mixed] = await writeQueue.dueConnections(db.dataSource, 200);
    expect(mixed.sfdc).toMatchObject({ queued: 6, mix: { updates: 2, upserts: 1, deletes: 2 } });
  });

  it('readDue: in the order queued, ids past a power of ten included (a task created at 9 and deleted at 10 is never written)', async () => {
    const linkId = randomUUID();
    const other = randomUUID();
    const write = (id: number, link: string, action: object, side = 'salesconnect') =>
      db.dataSource.query(
        `INSERT INTO task_write (id, connection_id, link_id, side, action) VALUES ($1, 'conn-o', $2, $3, $4)`,
        [id, link, side, JSON.stringify(action)],
      );
    await write(9, linkId, { type: 'create', fields: { title: 'Call Ana' } });
    await write(10, linkId, { type: 'delete' });
    await write(99, other, { type: 'update', fields: { title: 'first' } });
    await write(100, other, { type: 'update', fields: { title: 'second' } });
    const rows = await writeQueue.readDue(db.dataSource, 'conn-o', { sfdc: 200, salesconnect: 500 });
    expect(rows.map((r) => r.id)).toEqual(['9', '10', '99', '100']);
    expect(rows[0]).toMatchObject({ linkId, side: 'salesconnect', action: { type: 'create' }, due: true, attempts: 0 });
    expect(rows[0].waitedMs).toBeGreaterThanOrEqual(0);
    expect(coalesceWrites(rows).map((w) => [w.linkId, w.kind, w.fields])).toEqual([
      [linkId, 'none', {}],
      [other, 'update', { title: 'second' }],
    ]);
  });

  it("readDue: each side's oldest, up to its own limit, whatever the other side queued before them", async () => {
    const write = (id: number, side: string) =>
      db.dataSource.query(
        `INSERT INTO task_write (id, connection_id, link_id, side, action) VALUES ($1, 'conn-s', gen_random_uuid(), $2, '{"type":"delete"}')`,
        [id, side],
      );
    for (let id = 1001; id <= 1006; id++) await write(id, 'salesconnect');
    await write(1007, 'sfdc');
    await write(1008, 'salesconnect');
    await write(1009, 'sfdc');
    await queue('conn-other', 3, -1);
    const rows = await writeQueue.readDue(db.dataSource, 'conn-s', { sfdc: 5, salesconnect: 2 });
    expect(rows.map((r) => [r.side, r.id])).toEqual([
      ['sfdc', '1007'],
      ['sfdc', '1009'],
      ['salesconnect', '1001'],
      ['salesconnect', '1002'],
    ]);
  });
  it("markLanded keeps the SystemModstamp of the sync's own Salesforce write on the link, never lowered; the flusher's guard stays the last change read", async () => {
    const linkId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO task_link (id, connection_id, salesconnect_task_id, sfdc_task_id, link) VALUES ($1, 'c-stamp', 'sc-1', '00T000000000001AAA', $2)`,
      [
        linkId,
        JSON.stringify({ lastSeen: { sfdc: '2026-03-02T10:00:00.000Z', salesconnect: '2026-03-02T10:00:00.000Z' } }),
      ],
    );
    const landed = async (at: string) => {
      const [{ id }]: { id: string }[] = await db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ('c-stamp', $1, 'sfdc', '{"type":"update","fields":{"title":"x"}}') RETURNING id::text`,
        [linkId],
      );
      await writeQueue.markLanded(db.dataSource, [
        [
          { linkId, side: 'sfdc', kind: 'update', fields: { title: 'x' }, rowIds: [id] },
          { kind: 'done', sfdcWrittenAt: at },
        ],
      ]);
    };
    const writtenAt = async () =>
      (await db.dataSource.query(`SELECT link->>'sfdcWrittenAt' AS at FROM task_link WHERE id = $1`, [linkId]))[0].at;

    await landed('2026-03-02T10:05:00.000Z');
    expect(await writtenAt()).toBe('2026-03-02T10:05:00.000Z');
    await landed('2026-03-02T10:04:00.000Z');
    expect(await writtenAt()).toBe('2026-03-02T10:05:00.000Z');
    // Whole seconds: a person's edit in our write's second would pass for ours, so the guard does not use it.
    expect((await links.idsOf(db.dataSource, [linkId])).get(linkId)).toMatchObject({
      lastSeenSfdc: '2026-03-02T10:00:00.000Z',
      sfdcWrittenAt: '2026-03-02T10:05:00.000Z',
      unlinked: false,
    });
    // Unlinked (its task deleted on one side), a later update of it waits for no read (guardOfSfdcWrite).
    await db.dataSource.query(`UPDATE task_link SET unlinked_at = now() WHERE id = $1`, [linkId]);
    expect((await links.idsOf(db.dataSource, [linkId])).get(linkId)?.unlinked).toBe(true);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM task_write WHERE link_id = $1`, [linkId])).toEqual(
      [{ n: 0 }],
    );
  });

  it("markLanded stores what a round landed in one link at once: each side's new id, Sales Connect's version never lowered, Salesforce's stamp; a create answered again moves no id", async () => {
    const linkId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO task_link (id, connection_id, link, updated_at) VALUES ($1, 'c-landed', '{"createdFrom":"sfdc"}', now() - interval '1 hour')`,
      [linkId],
    );
    const queued = async (side: 'sfdc' | 'salesconnect', type: string) => {
      const [{ id }]: { id: string }[] = await db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ('c-landed', $1, $2, $3) RETURNING id::text`,
        [linkId, side, JSON.stringify({ type, fields: { title: 'x' } })],
      );
      return { linkId, side, kind: type, fields: { title: 'x' }, rowIds: [id] } as LandedWrite[0];
    };
    const row = async () =>
      (
        await db.dataSource.query(
          `SELECT sfdc_task_id, salesconnect_task_id, link->'salesConnectVersion' AS version, link->>'sfdcWrittenAt' AS written_at,
                  link->>'createdFrom' AS created_from, updated_at > now() - interval '1 minute' AS touched
             FROM task_link WHERE id = $1`,
          [linkId],
        )
      )[0];

    await writeQueue.markLanded(db.dataSource, [
      [
        await queued('sfdc', 'create'),
        { kind: 'done', createdId: '00T000000000009AAA', sfdcWrittenAt: '2026-03-02T10:05:00.000Z' },
      ],
      [await queued('salesconnect', 'create'), { kind: 'done', createdId: 'sct_landed', version: 1 }],
    ]);
    expect(await row()).toEqual({
      sfdc_task_id: '00T000000000009AAA',
      salesconnect_task_id: 'sct_landed',
      version: 1,
      written_at: '2026-03-02T10:05:00.000Z',
      created_from: 'sfdc',
      touched: true,
    });

    // An update's version moves it up, never down; an older stamp changes nothing.
    await writeQueue.markLanded(db.dataSource, [
      [await queued('salesconnect', 'update'), { kind: 'done', version: 5 }],
      [await queued('sfdc', 'update'), { kind: 'done', sfdcWrittenAt: '2026-03-02T10:04:00.000Z' }],
    ]);
    await writeQueue.markLanded(db.dataSource, [
      [await queued('salesconnect', 'update'), { kind: 'done', version: 3 }],
    ]);
    expect(await row()).toMatchObject({ version: 5, written_at: '2026-03-02T10:05:00.000Z' });

    // A create answered again (a retry after a lost answer) keeps the stored id, and its version with it.
    await writeQueue.markLanded(db.dataSource, [
      [await queued('salesconnect', 'create'), { kind: 'done', createdId: 'sct_other', version: 9 }],
      [await queued('sfdc', 'create'), { kind: 'done', createdId: '00T00000000000XAAA' }],
    ]);
    expect(await row()).toMatchObject({
      sfdc_task_id: '00T000000000009AAA',
      salesconnect_task_id: 'sct_landed',
      version: 5,
    });
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM task_write WHERE link_id = $1`, [linkId])).toEqual(
      [{ n: 0 }],
    );
  });

  it("markLanded: a Sales Connect create's time becomes the link's last-seen time of that side (its echo is not published); a create answered again does not move it", async () => {
    const linkId = randomUUID();
    await db.dataSource.query(`INSERT INTO task_link (id, connection_id, link) VALUES ($1, 'c-seen', $2)`, [
      linkId,
      JSON.stringify({ lastSeen: { sfdc: '2026-03-02T10:00:00.000Z', salesconnect: '1970-01-01T00:00:00.000Z' } }),
    ]);
    const landed = async (createdId: string, createdAt: string) => {
      const [{ id }]: { id: string }[] = await db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ('c-seen', $1, 'salesconnect', '{"type":"create"}') RETURNING id::text`,
        [linkId],
      );
      const write = {
        linkId,
        side: 'salesconnect',
        kind: 'create',
        fields: {},
        rowIds: [id],
      } as unknown as LandedWrite[0];
      await writeQueue.markLanded(db.dataSource, [[write, { kind: 'done', createdId, version: 1, createdAt }]]);
    };
    const lastSeen = async () =>
      (await db.dataSource.query(`SELECT link->'lastSeen' AS seen FROM task_link WHERE id = $1`, [linkId]))[0].seen;

    await landed('sct_seen', '2026-03-02T10:00:01.250Z');
    expect(await lastSeen()).toEqual({ sfdc: '2026-03-02T10:00:00.000Z', salesconnect: '2026-03-02T10:00:01.250Z' });

    // A person's change read meanwhile (a later time) stays; a create answered again changes nothing.
    await db.dataSource.query(
      `UPDATE task_link SET link = jsonb_set(link, '{lastSeen,salesconnect}', '"2026-03-02T10:00:05.000Z"') WHERE id = $1`,
      [linkId],
    );
    await landed('sct_seen', '2026-03-02T10:00:01.250Z');
    expect((await lastSeen()).salesconnect).toBe('2026-03-02T10:00:05.000Z');
  });
});
