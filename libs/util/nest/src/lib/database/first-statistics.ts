import type { DataSource } from 'typeorm';

/** A table of the service's schema, as PostgreSQL's catalog shows it. */
export interface TableStatisticsState {
  table: string;
  /** pg_stats has rows for it: an ANALYZE (ours or autovacuum's) ran while it held rows. */
  hasStatistics: boolean;
  /** pg_stat_user_tables.n_live_tup: moved by every committed insert and delete, before any ANALYZE. */
  liveRows: number;
}

/** Below this a table's plans cost little whatever they are, and a sample says little about it. */
export const FIRST_STATISTICS_MIN_ROWS = 1_000;

/**
 * Which tables to ANALYZE now: those never analyzed that hold `minRows` rows. Without statistics
 * the planner takes `unlinked_at IS NULL` and `connection_id = $1` as 0.5 % of the rows each, so
 * it reads a partial index's whole predicate, or a connection's whole index range, for each key
 * of a batch lookup: a first import's link lookups grew with the table (up to 245 ms each in a
 * 15,000-task import) until autovacuum, up to a minute later, analyzed it.
 */
export function tablesToAnalyze(states: readonly TableStatisticsState[], minRows: number): string[] {
  return states.filter((s) => !s.hasStatistics && s.liveRows >= minRows).map((s) => s.table);
}

/** What one round did: tables analyzed now, and those that have statistics (no longer watched). */
export interface FirstStatisticsRound {
  analyzed: { table: string; liveRows: number }[];
  settled: string[];
}

/**
 * Watches the listed tables of the connection's schema (search_path) until each has statistics,
 * and analyzes a table the first time it holds enough rows. After that, autovacuum keeps them.
 */
export class FirstStatistics {
  private readonly watching: Set<string>;

  constructor(
    private readonly dataSource: Pick<DataSource, 'query'>,
    tables: readonly string[],
    private readonly minRows = FIRST_STATISTICS_MIN_ROWS,
  ) {
    for (const table of tables) if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid table name ${table}`);
    this.watching = new Set(tables);
  }

  /** Tables still without statistics, as far as the last round saw. */
  get watched(): string[] {
    return [...this.watching];
  }

  async round(): Promise<FirstStatisticsRound> {
    if (this.watching.size === 0) return { analyzed: [], settled: [] };
    const rows: { table: string; has_statistics: boolean; live_rows: string }[] = await this.dataSource.query(
      `SELECT c.relname AS table,
              EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) AS has_statistics,
              coalesce(pg_stat_get_live_tuples(c.oid), 0) AS live_rows
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY($1::text[])`,
      [[...this.watching]],
    );
    const states = rows.map((r) => ({
      table: r.table,
      hasStatistics: r.has_statistics,
      liveRows: Number(r.live_rows),
    }));
    const settled = states.filter((s) => s.hasStatistics).map((s) => s.table);
    const analyzed: FirstStatisticsRound['analyzed'] = [];
    for (const table of tablesToAnalyze(states, this.minRows)) {
      await this.dataSource.query(`ANALYZE ${table}`);
      analyzed.push({ table, liveRows: states.find((s) => s.table === table)?.liveRows ?? 0 });
      settled.push(table);
    }
    for (const table of settled) this.watching.delete(table);
    return { analyzed, settled };
  }
}
