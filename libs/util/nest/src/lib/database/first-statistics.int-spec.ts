import type { QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { FirstStatistics } from './first-statistics';

const CONNECTION = '6f1c2d3e-0000-4000-8000-000000000001';

/** The reconciler's link table with the columns and indexes the lookup reads; autovacuum off, so only the watch analyzes it. */
async function createLinks(runner: QueryRunner, table: string): Promise<void> {
  await runner.query(`
    CREATE TABLE ${table} (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      connection_id text NOT NULL,
      salesconnect_task_id text,
      sfdc_task_id text,
      link jsonb NOT NULL,
      unlinked_at timestamptz
    ) WITH (autovacuum_enabled = false)`);
  await runner.query(
    `CREATE UNIQUE INDEX ${table}_salesconnect ON ${table} (connection_id, salesconnect_task_id) WHERE unlinked_at IS NULL`,
  );
  await runner.query(
    `CREATE UNIQUE INDEX ${table}_sfdc ON ${table} (connection_id, sfdc_task_id) WHERE unlinked_at IS NULL`,
  );
}

/** An import's links: one connection, Salesforce ids known, Sales Connect ids not yet. */
async function fill(runner: QueryRunner, table: string, rows: number, after = 0): Promise<void> {
  await runner.query(
    `INSERT INTO ${table} (connection_id, sfdc_task_id, link)
     SELECT $1, '00T' || lpad(i::text, 15, '0'), '{"fields":{}}'::jsonb FROM generate_series($3::int + 1, $3::int + $2::int) AS i`,
    [CONNECTION, rows, after],
  );
  // A backend reports its counters at most once a second: forced now, so the next round counts these rows.
  await runner.query(`SELECT pg_stat_force_next_flush()`);
  await runner.query(`SELECT 1`);
}

/** The index conditions of the batch link lookup's plan, as EXPLAIN gives them. */
async function lookupIndexConditions(runner: QueryRunner, table: string): Promise<string[]> {
  const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': unknown[] }[] = await runner.query(
    `EXPLAIN (FORMAT JSON)
     SELECT l.id FROM ${table} l JOIN unnest($1::text[], $2::text[]) AS k(connection_id, task_id)
         ON l.connection_id = k.connection_id AND l.sfdc_task_id = k.task_id
      WHERE l.unlinked_at IS NULL ORDER BY l.id FOR UPDATE OF l`,
    [Array(80).fill(CONNECTION), Array.from({ length: 80 }, (_, i) => `00T${String(900_000 + i).padStart(15, '0')}`)],
  );
  const conditions: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Cond'] === 'string') conditions.push(node['Index Cond']);
    if (typeof node['Recheck Cond'] === 'string') conditions.push(node['Recheck Cond']);
    for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((plan[0] as { Plan: Record<string, unknown> }).Plan);
  return conditions;
}

describe('FirstStatistics: a table is analyzed the first time it fills, if nothing analyzed it yet', () => {
  let db: TestDatabase;
  let runner: QueryRunner;

  beforeAll(async () => {
    db = await createTestDatabase({ schema: 'first_statistics_spec', migrations: [] });
    runner = db.dataSource.createQueryRunner();
    await runner.connect();
  });
  afterAll(async () => {
    await runner?.release();
    await db?.drop();
  });

  it('a first import’s links get statistics, and as the import goes on the batch lookup probes by task id instead of reading the connection’s whole range', async () => {
    await createLinks(runner, 'import_links');
    await createLinks(runner, 'unwatched_links');
    await fill(runner, 'import_links', 5_000);
    await fill(runner, 'unwatched_links', 5_000);

    const watch = new FirstStatistics(db.dataSource, ['import_links'], 1_000);
    const round = await watch.round();
    expect(round.analyzed).toEqual([{ table: 'import_links', liveRows: 5_000 }]);
    expect(watch.watched).toEqual([]);

    await fill(runner, 'import_links', 45_000, 5_000);
    await fill(runner, 'unwatched_links', 45_000, 5_000);
    // Never analyzed, the lookup reads every link of the connection (or the whole partial index) for each key.
    expect((await lookupIndexConditions(runner, 'unwatched_links')).some((c) => c.includes('sfdc_task_id'))).toBe(
      false,
    );
    expect(await lookupIndexConditions(runner, 'import_links')).toEqual([
      expect.stringMatching(/connection_id = k\.connection_id.*sfdc_task_id = k\.task_id/),
    ]);
  });

  it('a table below the rows that matter is left alone and still watched; it is analyzed once it has them', async () => {
    await createLinks(runner, 'small_links');
    await fill(runner, 'small_links', 200);
    const watch = new FirstStatistics(db.dataSource, ['small_links'], 1_000);

    expect(await watch.round()).toEqual({ analyzed: [], settled: [] });
    expect(watch.watched).toEqual(['small_links']);

    await runner.query(`DELETE FROM small_links`);
    await fill(runner, 'small_links', 1_000);
    expect((await watch.round()).analyzed).toEqual([{ table: 'small_links', liveRows: 1_000 }]);
  });

  it('a table that already has statistics (autovacuum got there first) is no longer watched, and not analyzed again', async () => {
    await createLinks(runner, 'analyzed_links');
    await fill(runner, 'analyzed_links', 2_000);
    await runner.query(`ANALYZE analyzed_links`);
    const watch = new FirstStatistics(db.dataSource, ['analyzed_links'], 1_000);

    expect(await watch.round()).toEqual({ analyzed: [], settled: ['analyzed_links'] });
    expect(watch.watched).toEqual([]);
    const [{ analyzed }]: { analyzed: string }[] = await runner.query(
      `SELECT analyze_count::text AS analyzed FROM pg_stat_user_tables WHERE relname = 'analyzed_links'`,
    );
    expect(analyzed).toBe('1');
  });

  it('refuses a table name that is not a plain identifier (it goes into ANALYZE as written)', () => {
    expect(() => new FirstStatistics(db.dataSource, ['links; DROP TABLE x'])).toThrow(/invalid table name/);
  });
});
