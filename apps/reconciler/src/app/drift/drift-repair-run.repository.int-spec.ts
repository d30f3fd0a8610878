import { randomUUID } from 'node:crypto';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import {
  CreateTaskLinks1764000000400,
  IndexTaskWriteByLink1764000000433,
  IndexTaskWriteQueue1764000000402,
} from '../links/migrations';
import { CreateDriftRepairRuns1764000000410 } from './drift-repair-run.migration';
import { DriftRepairRunRepository, LINKED_PAIRS_PAGE_SQL, noDriftCounts } from './drift-repair-run.repository';

const HOUR = 3_600_000;
const INTERVAL = 6 * HOUR;
const SETTLE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const counts = { ...noDriftCounts(), error: null };

describe('drift repair runs: the schedule and where a pass goes on (real PostgreSQL)', () => {
  let db: TestDatabase;
  let runs: DriftRepairRunRepository;

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'drift_runs_spec',
      migrations: [
        ...settingsProjection.migrations,
        CreateTaskLinks1764000000400,
        IndexTaskWriteQueue1764000000402,
        CreateDriftRepairRuns1764000000410,
        IndexTaskWriteByLink1764000000433,
      ],
    });
    runs = new DriftRepairRunRepository(db.dataSource);
  });
  afterAll(() => db.drop());

  async function connection(
    label: string,
    options: { enabled?: boolean; firstEnabled: Date; lastRun?: Date; reEnabled?: Date },
  ): Promise<string> {
    const id = `${label}-${randomUUID().slice(0, 8)}`;
    await db.dataSource.query(
      `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, first_enabled_at, changed_at) VALUES ($1, 't', 'scu_1', $2, 'UTC', $3, $3)`,
      [id, options.enabled ?? true, options.firstEnabled],
    );
    if (options.lastRun)
      await db.dataSource.query(
        `INSERT INTO drift_repair_run (connection_id, trigger, status, started_at, finished_at) VALUES ($1, 'schedule', 'done', $2, $2)`,
        [id, options.lastRun],
      );
    if (options.reEnabled)
      await db.dataSource.query(
        `INSERT INTO connection_setting_change (event_id, connection_id, kind, changed_at) VALUES ($1, $2, 're-enable', $3)`,
        [randomUUID(), id, options.reEnabled],
      );
    return id;
  }

  it('is due an interval after its last pass (a first pass within an interval of the enable), and a settle time after a re-enable since; never while disabled', async () => {
    const neverRun = await connection('never-run', { firstEnabled: ago(INTERVAL + HOUR) });
    const overdue = await connection('overdue', { firstEnabled: ago(48 * HOUR), lastRun: ago(INTERVAL + 2 * HOUR) });
    await connection('recent', { firstEnabled: ago(48 * HOUR), lastRun: ago(HOUR) });
    const reEnabled = await connection('re-enabled', {
      firstEnabled: ago(48 * HOUR),
      lastRun: ago(HOUR),
      reEnabled: ago(30 * 60_000),
    });
    await connection('re-enabled-just-now', {
      firstEnabled: ago(48 * HOUR),
      lastRun: ago(HOUR),
      reEnabled: ago(5_000),
    });
    await connection('disabled', { enabled: false, firstEnabled: ago(48 * HOUR), lastRun: ago(INTERVAL + HOUR) });

    expect(await runs.listDueConnections(INTERVAL, SETTLE, 10)).toEqual([
      { connectionId: neverRun, trigger: 'schedule' },
      { connectionId: overdue, trigger: 'schedule' },
      { connectionId: reEnabled, trigger: 're-enable' },
    ]);
  });

  it("spreads the connections' first passes over the interval by their ids", async () => {
    await db.dataSource.query(`DELETE FROM connection_setting`);
    const justEnabled = await Promise.all(
      Array.from({ length: 40 }, (_, i) => connection(`spread${i}`, { firstEnabled: ago(INTERVAL / 2) })),
    );
    const due = await runs.listDueConnections(INTERVAL, SETTLE, 100);
    // About half of them are due half an interval after their enable; all of them after a whole one.
    expect(due.length).toBeGreaterThan(5);
    expect(due.length).toBeLessThan(35);
    await db.dataSource.query(`UPDATE connection_setting SET first_enabled_at = $1`, [ago(INTERVAL)]);
    expect((await runs.listDueConnections(INTERVAL, SETTLE, 100)).map((d) => d.connectionId).sort()).toEqual(
      [...justEnabled].sort(),
    );
  });

  it('a pass cut short by its call bound is followed by one that goes on after its last pair; a finished one by one from the start', async () => {
    const first = await runs.startRun('conn-resume', 'schedule');
    expect(first.resumeAfter).toBeNull();
    const stoppedAt = randomUUID();
    const report = await runs.finishRun(first.runId, 'cut-short', {
      ...counts,
      pairsChecked: 400,
      sfdcCalls: 2,
      resumeAfter: stoppedAt,
    });
    expect(report).toMatchObject({
      runId: first.runId,
      connectionId: 'conn-resume',
      status: 'cut-short',
      pairsChecked: 400,
      resumeAfter: stoppedAt,
      finishedAt: expect.any(String),
    });
    const second = await runs.startRun('conn-resume', 'on-demand');
    expect(second.resumeAfter).toBe(stoppedAt);
    await runs.finishRun(second.runId, 'done', { ...counts, resumeAfter: null });
    expect((await runs.startRun('conn-resume', 'schedule')).resumeAfter).toBeNull();
    expect((await runs.listRuns('conn-resume')).map((r) => r.status)).toEqual(['running', 'done', 'cut-short']);
  });

  describe("a connection's live pairs, as the drift pass reads them", () => {
    const connectionId = `conn-pairs-${randomUUID().slice(0, 8)}`;
    const other = `conn-other-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];

    async function link(connection: string, options: { sfdc?: boolean; unlinked?: boolean } = {}): Promise<string> {
      const [{ id }]: { id: string }[] = await db.dataSource.query(
        `INSERT INTO task_link (connection_id, salesconnect_task_id, sfdc_task_id, link, unlinked_at)
         VALUES ($1, $2, $3, '{}'::jsonb, CASE WHEN $4 THEN now() END) RETURNING id`,
        [
          connection,
          `sc-${randomUUID()}`,
          options.sfdc === false ? null : `00T${randomUUID()}`,
          options.unlinked ?? false,
        ],
      );
      return id;
    }
    const queueWrite = (connection: string, linkId: string) =>
      db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ($1, $2, 'sfdc', '{"type":"delete"}')`,
        [connection, linkId],
      );

    beforeAll(async () => {
      for (let i = 0; i < 5; i++) ids.push(await link(connectionId));
      ids.sort();
      await link(connectionId, { sfdc: false });
      await link(connectionId, { unlinked: true });
      await queueWrite(connectionId, ids[1]);
      await queueWrite(connectionId, ids[1]);
      await queueWrite(connectionId, ids[3]);
      // Another connection's long queue, as an import leaves it: a write a task.
      await db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) SELECT $1, gen_random_uuid(), 'salesconnect', '{"type":"delete"}' FROM generate_series(1, 20000)`,
        [other],
      );
      await db.dataSource.query(`ANALYZE task_write`);
    });

    it('pages through the live pairs with both ids in link id order, each saying whether a write of its link is queued', async () => {
      const first = await runs.listLinkedPairs(connectionId, null, 3);
      const rest = await runs.listLinkedPairs(connectionId, first[first.length - 1].id, 3);
      expect([...first, ...rest].map((p) => [p.id, p.writesQueued])).toEqual(
        ids.map((id, i) => [id, i === 1 || i === 3]),
      );
      expect(await runs.findLinkedPair(connectionId, ids[3])).toMatchObject({ id: ids[3], writesQueued: true });
      expect(await runs.findLinkedPair(connectionId, ids[0])).toMatchObject({ id: ids[0], writesQueued: false });
    });

    it("asks the queue by link id: a page's read never scans the whole write queue (20,000 writes of another connection)", async () => {
      const plan: { 'QUERY PLAN': string }[] = await db.dataSource.query(`EXPLAIN ${LINKED_PAIRS_PAGE_SQL}`, [
        connectionId,
        null,
        200,
      ]);
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('task_write_by_link');
      expect(text).not.toMatch(/Seq Scan on task_write/);
    });
  });

  it('the write queue and the links are vacuumed after a fixed number of dead rows, not a fifth of the table', async () => {
    const rows: { relname: string; reloptions: string[] }[] = await db.dataSource.query(
      `SELECT relname, reloptions FROM pg_class WHERE relname IN ('task_write', 'task_link') AND relnamespace = 'drift_runs_spec'::regnamespace ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'task_link', reloptions: expect.arrayContaining(['autovacuum_vacuum_scale_factor=0.02']) },
      {
        relname: 'task_write',
        reloptions: expect.arrayContaining(['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=5000']),
      },
    ]);
  });
});
