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

  it(`at most ${PREPARED_PER_CONNECTION} statements are kept on a connection; past that they still answer, unnamed`, async () => {
    const texts = Array.from({ length: PREPARED_PER_CONNECTION + 5 }, (_, i) => `SELECT $1::int + ${i} AS n`);
    for (const [i, sql] of texts.entries()) expect(await runner.query(sql, [1])).toEqual([{ n: 1 + i }]);
    const prepared = await preparedOn(runner);
    expect(prepared.length).toBeLessThanOrEqual(PREPARED_PER_CONNECTION);
    expect(prepared).toContain(texts[0]);
    expect(prepared).not.toContain(texts[texts.length - 1]);
  });
});
