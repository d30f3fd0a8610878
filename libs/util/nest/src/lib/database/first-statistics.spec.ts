import { FIRST_STATISTICS_MIN_ROWS, tablesToAnalyze } from './first-statistics';

describe('tablesToAnalyze', () => {
  it('a table never analyzed is analyzed once it holds the rows that matter', () => {
    expect(
      tablesToAnalyze(
        [
          { table: 'task_link', hasStatistics: false, liveRows: FIRST_STATISTICS_MIN_ROWS },
          { table: 'task_write', hasStatistics: false, liveRows: FIRST_STATISTICS_MIN_ROWS - 1 },
        ],
        FIRST_STATISTICS_MIN_ROWS,
      ),
    ).toEqual(['task_link']);
  });

  it('a table with statistics is left to autovacuum, however much it grew', () => {
    expect(tablesToAnalyze([{ table: 'task_link', hasStatistics: true, liveRows: 1_000_000 }], 1_000)).toEqual([]);
  });
});
