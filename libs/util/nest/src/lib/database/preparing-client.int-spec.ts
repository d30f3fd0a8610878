import type { QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { PREPARED_PER_CONNECTION } from './preparing-client';

/** The statements prepared on the connection this runner holds, by their text. */
async function preparedOn(runner: QueryRunner): Promise<string[]> {
  const rows: { statement: string }[] = await runner.query(`SELECT statement FROM pg_prepared_statements`);
  return rows.map((r) => r.statement);
}

describe('prepared statements on the services’ connections (PreparingClient)', () => {
  let db: TestDatabase;
  let runner: QueryRunner;

  beforeAll(async () => {
    db = await createTestDatabase({ schema: 'prepared_spec', migrations: [] });
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    runner = db.dataSource.createQueryRunner();
    await runner.connect();
  });
  afterEach(() => runner.release());

  it('a query with parameters is prepared once on its connection and answers each time', async () => {
    const sql = `SELECT $1::int + 1 AS next /* once */`;
    expect(await runner.query(sql, [1])).toEqual([{ next: 2 }]);
    expect(await runner.query(sql, [41])).toEqual([{ next: 42 }]);
    expect((await preparedOn(runner)).filter((s) => s === sql)).toHaveLength(1);
  });

  it('a query without parameters goes unnamed', async () => {
    const sql = `SELECT 7 AS seven /* unnamed */`;
    expect(await runner.query(sql)).toEqual([{ seven: 7 }]);
    expect(await runner.query(sql, [])).toEqual([{ seven: 7 }]);
    expect(await preparedOn(runner)).not.toContain(sql);
  });

  it('a failed statement does not poison its name: the next run of the text is parsed again', async () => {
    await expect(runner.query(`SELECT $1::int / 0 AS x /* fails */`, [1])).rejects.toThrow(/division by zero/);
    await expect(runner.query(`SELECT nope($1::int) /* unparsable */`, [1])).rejects.toThrow(/nope/);
    await expect(runner.query(`SELECT nope($1::int) /* unparsable */`, [1])).rejects.toThrow(/nope/);
    expect(await runner.query(`SELECT $1::int * 2 AS y`, [21])).toEqual([{ y: 42 }]);
  });

  it('a statement prepared before its column changed type fails once, then is prepared again (a fix made in place, then a replay)', async () => {
    await runner.query(`CREATE TABLE counts (n int)`);
    const insert = `INSERT INTO counts (n) VALUES ($1) /* typed by the column */`;
    await runner.query(insert, [5]);
    await runner.query(`ALTER TABLE counts ALTER COLUMN n TYPE bigint`);
    // Its parameter was typed int when it was prepared: the first run after the change still is.
    await expect(runner.query(insert, [3_000_000_000])).rejects.toMatchObject({ code: '22003' });
    await runner.query(insert, [3_000_000_000]);
    expect(await runner.query(`SELECT n::text FROM counts ORDER BY counts.n`)).toEqual([
      { n: '5' },
      { n: '3000000000' },
    ]);
  });

  it('a statement failing for its data (a unique violation) is not prepared again', async () => {
    await runner.query(`CREATE TABLE once (id int PRIMARY KEY)`);
    const insert = `INSERT INTO once (id) VALUES ($1) /* unique */`;
    await runner.query(insert, [1]);
    await expect(runner.query(insert, [1])).rejects.toMatchObject({ code: '23505' });
    await runner.query(insert, [2]);
    expect((await preparedOn(runner)).filter((s) => s === insert)).toHaveLength(1);
  });

  it('a prepared statement is planned for each run’s parameters: a plan chosen while its table was empty is not kept as the table fills', async () => {
    await runner.query(
      `CREATE TABLE links (id serial PRIMARY KEY, owner text NOT NULL, task text NOT NULL, body text)`,
    );
    await runner.query(`CREATE UNIQUE INDEX links_task ON links (owner, task)`);
    // The reconciler's shape of lookup: keys as arrays, joined to the table.
    const lookup = `SELECT l.id FROM links l JOIN unnest($1::text[], $2::text[]) AS k(owner, task) ON l.owner = k.owner AND l.task = k.task /* by keys */`;
    // Known empty (analyzed so), as a new customer's tables are when their first import starts.
    await runner.query(`ANALYZE links`);
    for (let i = 0; i < 8; i += 1) expect(await runner.query(lookup, [['c1'], [`t${i}`]])).toEqual([]);
    await runner.query(
      `INSERT INTO links (owner, task, body) SELECT 'c1', 't' || g, repeat('x', 200) FROM generate_series(1, 20000) g`,
    );
    // No ANALYZE: autovacuum gets to a table a minute or more after it filled, as it does after an import.
    expect(await runner.query(lookup, [['c1'], ['t7']])).toHaveLength(1);
    const [{ name, generic_plans, custom_plans }]: { name: string; generic_plans: string; custom_plans: string }[] =
      await runner.query(`SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1`, [
        lookup,
      ]);
    expect({ generic: Number(generic_plans), custom: Number(custom_plans) }).toEqual({ generic: 0, custom: 9 });
    // The plan the next run gets, on the statement the client prepared: the index, not a scan of 20,000 rows.
    const plan: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN EXECUTE ${name}('{c1,c1}', '{t1,t2}')`);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index (Only )?Scan using links_task/);
    expect(text).not.toMatch(/Seq Scan on links/);
  });

  it(`at most ${PREPARED_PER_CONNECTION} statements are kept on a connection; past that they still answer, unnamed`, async () => {
    const texts = Array.from({ length: PREPARED_PER_CONNECTION + 5 }, (_, i) => `SELECT $1::int + ${i} AS n`);
    for (const [i, sql] of texts.entries()) expect(await runner.query(sql, [1])).toEqual([{ n: 1 + i }]);
    const prepared = await preparedOn(runner);
    expect(prepared.length).toBeLessThanOrEqual(PREPARED_PER_CONNECTION);
    expect(prepared).toContain(texts[0]);
    expect(prepared).not.toContain(texts[texts.length - 1]);
  });
});
