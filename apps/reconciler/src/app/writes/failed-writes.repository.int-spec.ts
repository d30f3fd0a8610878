import { CreateTaskActivity1764000000430, IgnoreFailedWrites1764000000431 } from '../activity/task-activity.migration';
import { randomUUID } from 'node:crypto';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import {
  CreateFailedWrites1764000000421,
  IndexTaskWriteQueue1764000000402,
  CreateTaskLinks1764000000400,
} from '../links/migrations';
import { coalesceWrites, type CoalescedWrite } from '@task-sync/sync-rules';
import { FailedWritesRepository } from './failed-writes.repository';
import { WriteQueueRepository } from './write-queue.repository';

const queue = new WriteQueueRepository();

const CONNECTION = 'conn-failed';

describe('failed writes: recorded, queued again on their schedule or when the task changes, cleared when they land (real PostgreSQL)', () => {
  let db: TestDatabase;
  const repository = new FailedWritesRepository({ intervalMs: 60_000, maxAttempts: 3 });

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'failed_writes_spec',
      migrations: [
        ...settingsProjection.migrations,
        CreateTaskLinks1764000000400,
        IndexTaskWriteQueue1764000000402,
        CreateFailedWrites1764000000421,
        CreateTaskActivity1764000000430,
        IgnoreFailedWrites1764000000431,
      ],
    });
  });
  const setSync = (enabled: boolean) =>
    db.dataSource.query(
      `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, changed_at) VALUES ($1, 't', 'u', $2, 'UTC', now())
       ON CONFLICT (connection_id) DO UPDATE SET enabled = EXCLUDED.enabled`,
      [CONNECTION, enabled],
    );
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM task_write; DELETE FROM failed_write`);
    await setSync(true);
  });

  /** Queues writes for one task and reads them back folded, as a flusher round does. */
  async function queueAndFold(linkId: string, actions: object[]): Promise<CoalescedWrite> {
    for (const action of actions)
      await db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ($1, $2, 'sfdc', $3)`,
        [CONNECTION, linkId, JSON.stringify(action)],
      );
    const folded = coalesceWrites(
      await queue.readDue(db.dataSource, CONNECTION, { sfdc: 200, salesconnect: 200 }),
    ).filter((w) => w.linkId === linkId);
    expect(folded).toHaveLength(1);
    return folded[0];
  }

  /** The flusher's settle of a refused write: recorded, its queued rows gone. */
  async function refuse(write: CoalescedWrite) {
    const state = await db.dataSource.transaction((m) =>
      repository.recordFailure(m, CONNECTION, write, undefined, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'refused'),
    );
    await db.dataSource.query(`DELETE FROM task_write WHERE id = ANY($1::bigint[])`, [write.rowIds]);
    return state;
  }

  const overdue = (linkId: string) =>
    db.dataSource.query(
      `UPDATE failed_write SET next_retry_at = now() - interval '1 second' WHERE link_id = $1 AND next_retry_at IS NOT NULL`,
      [linkId],
    );

  it('a refused write is recorded with its next retry, and queued again under its first id when the time comes', async () => {
    const linkId = randomUUID();
    const write = await queueAndFold(linkId, [
      { type: 'create', fields: { title: 'Secret plan' } },
      { type: 'update', fields: { details: 'x' } },
    ]);
    const state = await refuse(write);
    expect(state).toMatchObject({ attempts: 1, kind: 'create', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
    expect((state.nextRetryAt?.getTime() ?? 0) - state.firstFailedAt.getTime()).toBe(60_000);

    expect(await repository.queueDueRetries(db.dataSource)).toBe(0); // not yet
    await overdue(linkId);
    expect(await repository.queueDueRetries(db.dataSource)).toBe(1);
    expect(await repository.queueDueRetries(db.dataSource)).toBe(0); // queued once
    const [requeued] = await db.dataSource.query(
      `SELECT id::text, action, attempts FROM task_write WHERE link_id = $1`,
      [linkId],
    );
    expect(requeued).toEqual({
      id: write.rowIds[0],
      action: { type: 'create', fields: { title: 'Secret plan', details: 'x' } },
      attempts: 0,
    });
  });

  it('a connection with sync off keeps its failed writes and does not retry them until it is on again (R7)', async () => {
    const linkId = randomUUID();
    await refuse(await queueAndFold(linkId, [{ type: 'delete' }]));
    await overdue(linkId);
    await setSync(false);
    expect(await repository.queueDueRetries(db.dataSource)).toBe(0);
    await setSync(true);
    expect(await repository.queueDueRetries(db.dataSource)).toBe(1);
  });

  it('each failure counts; past the bound it is not tried again on the schedule', async () => {
    const linkId = randomUUID();
    let write = await queueAndFold(linkId, [{ type: 'update', fields: { title: 'a' } }]);
    for (const expected of [1, 2, 3]) {
      const state = await refuse(write);
      expect(state.attempts).toBe(expected);
      expect(state.nextRetryAt === null).toBe(expected === 3);
      await overdue(linkId);
      if (expected < 3) {
        expect(await repository.queueDueRetries(db.dataSource)).toBe(1);
        write = coalesceWrites(await queue.readDue(db.dataSource, CONNECTION, { sfdc: 200, salesconnect: 200 }))[0];
      }
    }
    expect(await repository.queueDueRetries(db.dataSource)).toBe(0);
  });

  it('a later change of the task queues the failed write at once, before it, so they fold into one write of the task as it is now', async () => {
    const linkId = randomUUID();
    const first = await queueAndFold(linkId, [{ type: 'create', fields: { title: 'Draft', details: 'd' } }]);
    await refuse(first);
    await db.dataSource.query(
      `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ($1, $2, 'sfdc', '{"type":"update","fields":{"title":"Send the proposal"}}')`,
      [CONNECTION, linkId],
    );
    await db.dataSource.transaction((m) => repository.queueSupersededByNewerWrites(m, CONNECTION));
    const [folded] = coalesceWrites(await queue.readDue(db.dataSource, CONNECTION, { sfdc: 200, salesconnect: 200 }));
    expect(folded).toMatchObject({ kind: 'create', fields: { title: 'Send the proposal', details: 'd' } });
    expect(folded.rowIds[0]).toBe(first.rowIds[0]);
    const [row] = await db.dataSource.query(`SELECT attempts, queued FROM failed_write WHERE link_id = $1`, [linkId]);
    expect(row).toEqual({ attempts: 0, queued: true }); // a new count: the task changed
  });

  it('a write that lands clears its task, and only its task', async () => {
    const [landing, other] = [randomUUID(), randomUUID()];
    await refuse(await queueAndFold(landing, [{ type: 'delete' }]));
    await refuse(await queueAndFold(other, [{ type: 'delete' }]));
    const cleared = await db.dataSource.transaction((m) =>
      repository.clearLanded(m, CONNECTION, [
        { linkId: landing, side: 'sfdc' },
        { linkId: randomUUID(), side: 'sfdc' },
      ]),
    );
    expect(cleared).toEqual([{ connectionId: CONNECTION, linkId: landing, side: 'sfdc' }]);
    expect(
      (await db.dataSource.query(`SELECT link_id FROM failed_write`)).map((r: { link_id: string }) => r.link_id),
    ).toEqual([other]);
  });

  it('Retry now makes the named failed writes due at once, and says so on their timeline', async () => {
    const [asked, left] = [randomUUID(), randomUUID()];
    for (const linkId of [asked, left])
      await db.dataSource.query(
        `INSERT INTO task_link (id, connection_id, sfdc_task_id, link) VALUES ($1, $2, $3, '{"fields":{"title":{"value":"Call Ana"}}}')`,
        [linkId, CONNECTION, `00T${linkId.slice(0, 8)}`],
      );
    await refuse(await queueAndFold(asked, [{ type: 'delete' }]));
    await refuse(await queueAndFold(left, [{ type: 'delete' }]));
    expect(await repository.queueDueRetries(db.dataSource)).toBe(0);
    expect(
      await repository.scheduleRetryNow(db.dataSource, CONNECTION, { items: [{ linkId: asked, side: 'sfdc' }] }),
    ).toBe(1);
    expect(await repository.queueDueRetries(db.dataSource)).toBe(1);
    const rows = await db.dataSource.query(
      `SELECT kind, summary, subject FROM task_activity WHERE link_id = $1 ORDER BY id`,
      [asked],
    );
    expect(rows.map((r: { summary: string }) => r.summary)).toEqual([
      'Retry now asked for the write to Salesforce',
      'Failed write to Salesforce queued again',
    ]);
    expect(rows[0]).toMatchObject({ kind: 'retry', subject: 'Call Ana' });
  });

  it('Ignore stops the retries of a whole group; a later change of the task queues it again and a new failure is open again', async () => {
    const linkId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO task_link (id, connection_id, sfdc_task_id, link) VALUES ($1, $2, '00Tign', '{}')`,
      [linkId, CONNECTION],
    );
    const write = await queueAndFold(linkId, [{ type: 'update', fields: { title: 'x' } }]);
    await refuse(write);
    const ignored = await repository.markIgnored(db.dataSource, CONNECTION, {
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      side: 'sfdc',
    });
    expect(ignored).toEqual([{ connectionId: CONNECTION, linkId, side: 'sfdc' }]);
    expect(
      await repository.markIgnored(db.dataSource, CONNECTION, {
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        side: 'sfdc',
      }),
    ).toEqual([]); // once
    await overdue(linkId);
    expect(await repository.queueDueRetries(db.dataSource)).toBe(0); // not on the schedule any more
    await db.dataSource.query(
      `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ($1, $2, 'sfdc', '{"type":"update","fields":{"title":"y"}}')`,
      [CONNECTION, linkId],
    );
    await db.dataSource.transaction((m) => repository.queueSupersededByNewerWrites(m, CONNECTION));
    const again = coalesceWrites(await queue.readDue(db.dataSource, CONNECTION, { sfdc: 200, salesconnect: 200 }))[0];
    expect(again.fields).toEqual({ title: 'y' });
    await refuse(again);
    const [row] = await db.dataSource.query(`SELECT ignored_at, next_retry_at FROM failed_write WHERE link_id = $1`, [
      linkId,
    ]);
    expect(row.ignored_at).toBeNull();
    expect(row.next_retry_at).not.toBeNull();
    const kinds = await db.dataSource.query(`SELECT kind FROM task_activity WHERE link_id = $1 ORDER BY id`, [linkId]);
    expect(kinds.map((r: { kind: string }) => r.kind)).toEqual(['ignored', 'retry']);
  });
});
