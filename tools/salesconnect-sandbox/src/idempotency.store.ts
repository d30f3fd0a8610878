import { createHash } from 'node:crypto';
import type { Task } from './task.model';

/** Keys are kept this long; a key reused later starts a new request, as with most SaaS APIs. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface IdempotencyRecord {
  userId: string;
  key: string;
  /** Hash of the request body, to refuse the same key with another body. */
  requestHash: string;
  /** The original response, replayed as is. */
  task: Task;
  createdAtMs: number;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; task: Task } | { kind: 'reused' };

export class IdempotencyStore {
  private records = new Map<string, IdempotencyRecord>();

  lookup(userId: string, key: string, body: unknown, nowMs: number): IdempotencyLookup {
    this.prune(nowMs);
    const record = this.records.get(mapKey(userId, key));
    if (record === undefined || isExpired(record, nowMs)) return { kind: 'new' };
    return record.requestHash === hashRequest(body) ? { kind: 'replay', task: record.task } : { kind: 'reused' };
  }

  remember(userId: string, key: string, body: unknown, task: Task, nowMs: number): void {
    this.records.set(mapKey(userId, key), { userId, key, requestHash: hashRequest(body), task, createdAtMs: nowMs });
  }

  list(): IdempotencyRecord[] {
    return [...this.records.values()];
  }

  load(records: IdempotencyRecord[]): void {
    this.records = new Map(records.map((r) => [mapKey(r.userId, r.key), r]));
  }

  clear(): void {
    this.records.clear();
  }

  /**
   * Stops at the first live key: a call costs what it drops, not the whole store (an import leaves
   * 100,000 keys). A key out of clock order may outlive its TTL here; lookup() still expires it.
   */
  private prune(nowMs: number): void {
    for (const [k, r] of this.records) {
      if (!isExpired(r, nowMs)) break;
      this.records.delete(k);
    }
  }
}

function isExpired(record: IdempotencyRecord, nowMs: number): boolean {
  return nowMs - record.createdAtMs >= IDEMPOTENCY_TTL_MS;
}

function mapKey(userId: string, key: string): string {
  return `${userId}\u0000${key}`;
}

/** Key order does not matter: `{a,b}` and `{b,a}` are the same request. */
export function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
