import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { CreateTaskLinks1764000000400 } from '../links/migrations';
import { CreateTaskActivity1764000000430, TuneTaskActivityWrites1764000000432 } from './task-activity.migration';
import { TaskActivityBatch, TaskActivityRepository } from './task-activity.repository';
import type { ActivitySubject } from './task-activity';

const CONNECTION = 'conn-activity';

describe('task activity: batched rows, search by name or either id, timeline, conflicts, prune (real PostgreSQL)', () => {
  let db: TestDatabase;
  let repository: TaskActivityRepository;

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'task_activity_spec',
      migrations: [CreateTaskLinks1764000000400, CreateTaskActivity1764000000430, TuneTaskActivityWrites1764000000432],
    });
    repository = new TaskActivityRepository(db.dataSource);
  });
  afterAll(() => db.drop());

  async function link(title: string, sc: string, sfdc: string): Promise<ActivitySubject> {
    const id = randomUUID();
    await db.dataSource.query(
      `INSERT INTO task_link (id, connection_id, salesconnect_task_id, sfdc_task_id, link) VALUES ($1, $2, $3, $4, $5)`,
      [
        id,
        CONNECTION,
        sc,
        sfdc,
        JSON.stringify({ fields: { title: { value: title, changedAt: '2026-01-01T00:00:00.000Z', side: 'sfdc' } } }),
      ],
    );
    return { connectionId: CONNECTION, linkId: id, salesConnectTaskId: sc, sfdcTaskId: sfdc, subject: title };
  }

  it('writes a batch in one statement, in order, and finds the task by a part of its name or by either id', async () => {
    const ana = await link('Call Ana about the renewal', 'sc-ana', '00Tana');
    await link('Send the proposal', 'sc-prop', '00Tprop');
    const batch = new TaskActivityBatch();
    batch.recordWriteOutcome(
      ana,
      { side: 'sfdc', kind: 'update' },
      { kind: 'failed', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', reason: 'no' },
    );
    batch.recordDeadLetter(ana, 'sfdc', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'no', null);
    batch.recordWriteOutcome(ana, { side: 'sfdc', kind: 'update' }, { kind: 'ok' });
    const queries: string[] = [];
    await batch.flush({
      query: (sql: string, params?: unknown[]) => (queries.push(sql), db.dataSource.query(sql, params)),
    });
    expect(queries).toHaveLength(1);
    expect(batch.rows).toHaveLength(0);

    for (const q of ['ana ABOUT', 'sc-ana', '00Tana']) {
      const found = await repository.searchTasks(CONNECTION, q, 0, 50);
      expect(found).toMatchObject({
        total: 1,
        nextOffset: null,
        items: [
          {
            linkId: ana.linkId,
            subject: 'Call Ana about the renewal',
            salesConnectTaskId: 'sc-ana',
            sfdcTaskId: '00Tana',
          },
        ],
      });
    }
    expect((await repository.searchTasks(CONNECTION, '%', 0, 50)).total).toBe(0); // a wildcard is a character
    expect(await repository.searchTasks(CONNECTION, '', 0, 1)).toMatchObject({ total: 2, nextOffset: 1 });

    const timeline = await repository.timeline(CONNECTION, ana.linkId, 0, 2);
    expect(timeline.items.map((e) => [e.kind, e.outcome])).toEqual([
      ['write', 'failed'],
      ['dead-letter', 'retries-exhausted'],
    ]);
    expect(timeline).toMatchObject({ total: 3, nextOffset: 2 });
    expect((await repository.timeline(CONNECTION, ana.linkId, 2, 2)).items.map((e) => e.outcome)).toEqual(['ok']);
  });

  it('stores each column as given: a detail with quotes, backslashes and commas comes back as written, absent values as null', async () => {
    const odd = await link('Quote " and \\ and, comma', 'sc-odd', '00Todd');
    const batch = new TaskActivityBatch();
    batch.recordRetry(odd, 'sfdc', 'Retried: "now", {soon}', 'ana "the admin" \\ ops');
    await batch.flush(db.dataSource);
    const [row] = await db.dataSource.query(
      `SELECT subject, kind, side, origin, summary, reason, code, detail FROM task_activity WHERE link_id = $1`,
      [odd.linkId],
    );
    expect(row).toEqual({
      subject: 'Quote " and \\ and, comma',
      kind: 'retry',
      side: 'sfdc',
      origin: null,
      summary: 'Retried: "now", {soon}',
      reason: null,
      code: null,
      detail: { by: 'ana "the admin" \\ ops' },
    });
  });

  it("leaves room on task_link's pages for a link's state to be rewritten in place (fillfactor 80)", async () => {
    const [table] = await db.dataSource.query(
      `SELECT c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'task_activity_spec' AND c.relname = 'task_link'`,
    );
    expect(table.reloptions).toEqual(['fillfactor=80']);
  });

  it('lists conflicts newest first with both values, both times and the winner', async () => {
    const pair = await link('Conflicted', 'sc-c', '00Tc');
    await db.dataSource.query(
      `INSERT INTO sync_conflict (connection_id, salesconnect_task_id, sfdc_task_id, field, winner, loser, link_id) VALUES ($1, 'sc-c', '00Tc', 'title', $2, $3, $4)`,
      [
        CONNECTION,
        JSON.stringify({ side: 'salesconnect', value: 'B', changedAt: 't2' }),
        JSON.stringify({ side: 'sfdc', value: 'A', changedAt: 't1' }),
        pair.linkId,
      ],
    );
    const page = await repository.conflicts(CONNECTION, 0, 50);
    expect(page.items[0]).toMatchObject({
      linkId: pair.linkId,
      subject: 'Conflicted',
      field: 'title',
      salesConnectValue: 'B',
      sfdcValue: 'A',
      salesConnectChangedAt: 't2',
      sfdcChangedAt: 't1',
      winner: 'salesconnect',
    });
  });

  it('prunes only what is older than the retention', async () => {
    const old = await link('Old one', 'sc-old', '00Told');
    const batch = new TaskActivityBatch();
    batch.recordWriteOutcome(old, { side: 'salesconnect', kind: 'create' }, { kind: 'ok' });
    batch.recordWriteOutcome(old, { side: 'salesconnect', kind: 'update' }, { kind: 'ok' });
    await batch.flush(db.dataSource);
    await db.dataSource.query(
      `UPDATE task_activity SET at = now() - interval '31 days' WHERE id = (SELECT min(id) FROM task_activity WHERE link_id = $1)`,
      [old.linkId],
    );
    expect(await repository.prune(30, 1)).toBe(1);
    expect((await repository.timeline(CONNECTION, old.linkId, 0, 50)).total).toBe(1);
  });
});
