import { CreateTaskActivity1764000000430 } from '../activity/task-activity.migration';
import { randomUUID } from 'node:crypto';
import type { TaskLink } from '@task-sync/task-domain';
import type { PendingLink, SyncChange } from '@task-sync/sync-rules';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { CreateTaskLinks1764000000400 } from './migrations';
import type { RunLinks } from './run-links';
import { LinkRaceError, TaskLinksRepository } from './task-links.repository';
import { WriteQueueRepository } from '../writes/write-queue.repository';

const repository = new TaskLinksRepository();
const queue = new WriteQueueRepository();
/** Everything the run decided, stored as the reconciler stores it: its links and conflicts, then its writes. */
const save = async (m: Parameters<TaskLinksRepository['saveRun']>[0], run: RunLinks) => {
  await repository.saveRun(m, run);
  await queue.queue(m, run.changes().writes);
};

/** The rules treat a link's state as a whole; these tests only need it to round-trip. */
const state = (title: string) =>
  ({ createdFrom: 'sfdc', fields: { title }, lastSeen: {}, observed: {}, pending: {} }) as unknown as PendingLink;
const pending = (ids: { sfdc?: string; salesconnect?: string }, title = 'Call Ana'): PendingLink => ({
  ...state(title),
  sfdcTaskId: ids.sfdc ?? null,
  salesConnectTaskId: ids.salesconnect ?? null,
});
const change = (side: 'sfdc' | 'salesconnect', taskId: string, externalId: string | null = null): SyncChange => ({
  side,
  kind: 'upsert',
  taskId,
  fields: null,
  changedAt: new Date().toISOString(),
  createdAt: null,
  origin: null,
  source: 'live',
  externalId,
});

describe('RunLinks with TaskLinksRepository: one run of changes, its links read once and written back at the end (real PostgreSQL)', () => {
  let db: TestDatabase;
  const connectionId = 'conn-1';

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'run_links_spec',
      migrations: [CreateTaskLinks1764000000400, CreateTaskActivity1764000000430],
    });
  });
  afterAll(() => db.drop());

  const links = () =>
    db.dataSource.query(
      `SELECT id, salesconnect_task_id, sfdc_task_id, link->'fields'->>'title' AS title, unlinked_at IS NOT NULL AS unlinked FROM task_link ORDER BY updated_at, id`,
    );
  const writesOf = (linkId: string) =>
    db.dataSource.query(`SELECT side, action->>'type' AS type FROM task_write WHERE link_id = $1 ORDER BY id`, [
      linkId,
    ]);
  const inRun = <T>(changes: SyncChange[], body: (run: RunLinks) => T) =>
    db.dataSource.transaction(async (m) => {
      const run = await repository.lockForRun(
        m,
        changes.map((c) => ({ connectionId, change: c })),
      );
      const result = body(run);
      await save(m, run);
      return result;
    });

  it('a task created and then edited in the same run: one link, its two writes in the order decided', async () => {
    const sfdcId = `00T${randomUUID().slice(0, 8)}`;
    const linkId = await inRun([change('sfdc', sfdcId), change('sfdc', sfdcId)], (run) => {
      expect(run.find(connectionId, change('sfdc', sfdcId))).toBeNull();
      const created = run.create(connectionId, pending({ sfdc: sfdcId }));
      if (!created) throw new Error('not created');
      run.queue(created, 'salesconnect', { type: 'create', fields: {} as never });
      // The second change of the run finds the link the first one made.
      const found = run.find(connectionId, change('sfdc', sfdcId));
      expect(found?.id).toBe(created.id);
      // A second create for the same task is refused: never a second pair.
      expect(run.create(connectionId, pending({ sfdc: sfdcId }))).toBeNull();
      if (found) run.queue(found, 'salesconnect', { type: 'update', fields: {} });
      return created.id;
    });
    expect((await links()).filter((l: { sfdc_task_id: string }) => l.sfdc_task_id === sfdcId)).toEqual([
      { id: linkId, salesconnect_task_id: null, sfdc_task_id: sfdcId, title: 'Call Ana', unlinked: false },
    ]);
    expect(await writesOf(linkId)).toEqual([
      { side: 'salesconnect', type: 'create' },
      { side: 'salesconnect', type: 'update' },
    ]);
  });

  it('a link unlinked and its task linked again in one run: the unlink is stored before the new link, so the unique index holds', async () => {
    const scId = `sc_${randomUUID().slice(0, 8)}`;
    const first = await inRun(
      [change('salesconnect', scId)],
      (run) => run.create(connectionId, pending({ salesconnect: scId }, 'first'))?.id,
    );
    const second = await inRun([change('salesconnect', scId)], (run) => {
      const old = run.find(connectionId, change('salesconnect', scId));
      if (!old) throw new Error('the link was not read');
      run.unlink(old);
      expect(run.find(connectionId, change('salesconnect', scId))).toBeNull();
      return run.create(connectionId, pending({ salesconnect: scId }, 'second'))?.id;
    });
    // Both rows were written by the second transaction (same updated_at): compared by title.
    const rows = (await links())
      .filter((l: { salesconnect_task_id: string }) => l.salesconnect_task_id === scId)
      .sort((a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title));
    expect(rows.map((r: { id: string; title: string; unlinked: boolean }) => [r.id, r.title, r.unlinked])).toEqual([
      [first, 'first', true],
      [second, 'second', false],
    ]);
  });

  it('a Salesforce change of a task the sync created is found by its external id, and its Salesforce id is stored', async () => {
    const scId = `sc_${randomUUID().slice(0, 8)}`;
    const sfdcId = `00T${randomUUID().slice(0, 8)}`;
    const linkId = await inRun(
      [change('salesconnect', scId)],
      (run) => run.create(connectionId, pending({ salesconnect: scId }))?.id,
    );
    await inRun([change('sfdc', sfdcId, scId)], (run) => {
      const found = run.find(connectionId, change('sfdc', sfdcId, scId));
      expect(found?.id).toBe(linkId);
      if (found)
        run.store(found, {
          ...(found.state as object),
          salesConnectTaskId: scId,
          sfdcTaskId: sfdcId,
          fields: { title: 'Call Ana back' },
        } as unknown as TaskLink);
    });
    expect((await links()).find((l: { id: string }) => l.id === linkId)).toEqual({
      id: linkId,
      salesconnect_task_id: scId,
      sfdc_task_id: sfdcId,
      title: 'Call Ana back',
      unlinked: false,
    });
  });

  it('a task another transaction linked after the run read its links: the run fails with LinkRaceError and stores nothing', async () => {
    const sfdcId = `00T${randomUUID().slice(0, 8)}`;
    await expect(
      db.dataSource.transaction(async (m) => {
        const run = await repository.lockForRun(m, [{ connectionId, change: change('sfdc', sfdcId) }]);
        const created = run.create(connectionId, pending({ sfdc: sfdcId }, 'ours'));
        if (created) run.queue(created, 'salesconnect', { type: 'create', fields: {} as never });
        await db.dataSource.query(`INSERT INTO task_link (connection_id, sfdc_task_id, link) VALUES ($1, $2, $3)`, [
          connectionId,
          sfdcId,
          JSON.stringify(state('theirs')),
        ]);
        await save(m, run);
      }),
    ).rejects.toBeInstanceOf(LinkRaceError);
    const rows = (await links()).filter((l: { sfdc_task_id: string }) => l.sfdc_task_id === sfdcId);
    expect(rows.map((r: { title: string }) => r.title)).toEqual(['theirs']);
    expect(
      await db.dataSource.query(
        `SELECT count(*)::int AS n FROM task_write w JOIN task_link l ON l.id = w.link_id WHERE l.sfdc_task_id = $1`,
        [sfdcId],
      ),
    ).toEqual([{ n: 0 }]);
  });
});
