import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Statements kept prepared on one connection; past it, a new statement goes unnamed (parsed and
 * planned every time), so SQL built with a varying text cannot grow the server's memory unbounded.
 */
export const PREPARED_PER_CONNECTION = 200;

const NAMES_CACHED = 2_000;
const names = new Map<string, string>();

/** One name per statement text, the same in every process (a hash), so it never names two texts. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `ts_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size >= NAMES_CACHED) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * TypeORM sends every query unnamed, so PostgreSQL parses and plans each one again: in a benchmark
 * run, planning took a third of the statements' time. Named, a statement is parsed once per connection
 * and PostgreSQL may keep a generic plan (plan_cache_mode auto). Only queries with parameters are named:
 * what they run is fixed SQL; a query without any may be DDL. Not for a pooler in transaction mode
 * (PgBouncer), where a connection's prepared statements do not follow the client.
 */
export class PreparingClient extends Client {
  private readonly named = new Set<string>();

  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(text);
      if (this.named.has(name) || this.named.size < PREPARED_PER_CONNECTION) {
        this.named.add(name);
        return (super.query as (...a: unknown[]) => never)({ name, text, values }, callback);
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
