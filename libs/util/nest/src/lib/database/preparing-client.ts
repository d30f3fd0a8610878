import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Statements kept prepared on one connection; past it, a new statement goes unnamed (parsed and
 * planned every time), so SQL built with a varying text cannot grow the server's memory unbounded.
 */
export const PREPARED_PER_CONNECTION = 200;

/**
 * SQLSTATE classes a statement prepared before a schema change fails with (a parameter typed for the
 * old column: 22; a column gone: 42; the result's type changed: 0A). The text is then prepared again.
 */
const STALE_STATEMENT_CLASSES = ['22', '42', '0A'];

/** One name per statement text, the same in every process (a hash), so it never names two texts. */
export function statementName(text: string): string {
  return `ts_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

/**
 * TypeORM sends every query unnamed, so PostgreSQL parses and plans each one again: in a benchmark
 * run, planning took a third of the statements' time. Named, a statement is parsed once per connection.
 * It is still planned for each run's parameters (plan_cache_mode force_custom_plan, set on the
 * connection): with auto, PostgreSQL kept the generic plan it chose while the links table was empty,
 * a scan of the whole table, and an import's lookups grew with every task it linked (331 ms each at
 * 20,000 tasks, in a benchmark's pg_stat_statements). Only queries with parameters are named:
 * what they run is fixed SQL; a query without any may be DDL. Not for a pooler in transaction mode
 * (PgBouncer), where a connection's prepared statements do not follow the client.
 */
export class PreparingClient extends Client {
  /** Each text's statement on this connection; a text prepared again gets a new name (the old one stays, counted). */
  private readonly prepared = new Map<string, string>();
  private namesUsed = 0;

  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    const name =
      typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined
        ? this.nameFor(text)
        : undefined;
    if (name === undefined) return (super.query as (...a: unknown[]) => never)(...args);
    const sent = (super.query as (config: unknown) => Promise<unknown>)({ name, text, values });
    return sent.catch((e: unknown) => {
      // After a schema change made in place (an ops fix, then a replay), the next run parses the text anew.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && STALE_STATEMENT_CLASSES.includes(code.slice(0, 2)))
        this.prepared.delete(text as string);
      throw e;
    }) as never;
  }

  private nameFor(text: string): string | undefined {
    const current = this.prepared.get(text);
    if (current !== undefined || this.namesUsed >= PREPARED_PER_CONNECTION) return current;
    this.namesUsed += 1;
    const name = `${statementName(text)}_${this.namesUsed}`;
    this.prepared.set(text, name);
    return name;
  }
}
