import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { Fields } from './sandbox-records';
import { KEY_PREFIX } from './salesforce-id';
import type { SObjectName } from './sobject-schema';
import type { SelectItem } from './soql-relationship';

export interface QueryCursor {
  id: string;
  orgId: string;
  sobject: SObjectName;
  select: SelectItem[];
  records: Fields[];
  batchSize: number;
  lastUsedAt: number;
}

/** Salesforce drops a query locator after 15 minutes without use. */
const IDLE_MS = 15 * 60_000;
/** And keeps only a handful per user; the oldest goes first. */
const MAX_OPEN_PER_ORG = 50;

/** Open query locators: the rows a query matched, handed out a page at a time by `nextRecordsUrl`. */
export class QueryCursorStore {
  private readonly cursors = new Map<string, QueryCursor>();

  constructor(private readonly clock: SandboxClock) {}

  open(cursor: Omit<QueryCursor, 'id' | 'lastUsedAt'>): QueryCursor {
    this.expireIdle();
    const open = [...this.cursors.values()].filter((c) => c.orgId === cursor.orgId);
    if (open.length >= MAX_OPEN_PER_ORG) this.cursors.delete(open[0].id);
    const id = `${KEY_PREFIX.QueryLocator}${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 15)}`;
    const created: QueryCursor = { ...cursor, id, lastUsedAt: this.clock.nowMs() };
    this.cursors.set(id, created);
    return created;
  }

  find(id: string, orgId: string): QueryCursor | undefined {
    this.expireIdle();
    const cursor = this.cursors.get(id);
    if (!cursor || cursor.orgId !== orgId) return undefined;
    cursor.lastUsedAt = this.clock.nowMs();
    return cursor;
  }

  close(id: string): void {
    this.cursors.delete(id);
  }

  clear(): void {
    this.cursors.clear();
  }

  private expireIdle(): void {
    const cutoff = this.clock.nowMs() - IDLE_MS;
    for (const [id, c] of this.cursors) if (c.lastUsedAt < cutoff) this.cursors.delete(id);
  }
}
