import { randomUUID } from 'node:crypto';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { CreateTaskLinks1764000000400 } from '../links/migrations';
import { CreateDriftRepairRuns1764000000410 } from './drift-repair-run.migration';
import { DriftRepairRunRepository, noDriftCounts } from './drift-repair-run.repository';

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
      migrations: [...settingsProjection.migrations, CreateTaskLinks1764000000400, CreateDriftRepairRuns1764000000410],
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
});
