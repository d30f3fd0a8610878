import type { Side } from '@task-sync/task-domain';
import {
  decideFailedWriteRetry,
  DEFAULT_FAILED_WRITE_RETRY,
  type CoalescedWrite,
  type ConnectionSyncSettings,
  type FailedWriteRetryPolicy,
  type SyncChange,
  type UnlinkedDeletion,
} from '@task-sync/sync-rules';
import type {
  ConnectionState,
  DeletionAwaitingCreate,
  ParkedChange,
  ParkedChangesRepository,
} from '../changes/parked-changes.repository';
import { linkKeysOf, RunLinks, SIDES, type RunConflict, type RunLink, type RunWrite } from '../links/run-links';
import { LinkRaceError, type TaskLinksRepository } from '../links/task-links.repository';
import type { LinkIds } from '../writes/link-ids';
import type { ClearedWrite, FailedWritesRepository, FailedWriteState } from '../writes/failed-writes.repository';
import type {
  LandedWrite,
  QueuedConnection,
  QueuedWriteRow,
  WriteQueueRepository,
} from '../writes/write-queue.repository';

/**
 * The same outcomes as the repositories' SQL (checked against PostgreSQL by their int-specs). A
 * transaction is not modelled: each call applies at once.
 */

type Public<T> = { [K in keyof T]: T[K] };

export class InMemoryParkedChanges implements Public<ParkedChangesRepository> {
  readonly parked: (ParkedChange & { connectionId: string })[] = [];
  readonly settings = new Map<string, ConnectionSyncSettings>();
  /** Each connection's Sales Connect user. */
  readonly salesConnectUsers = new Map<string, string>();
  readonly awaitingCreate: DeletionAwaitingCreate[] = [];
  private nextId = 1;

  /** The links and the write queue the deletions awaiting a create look at, as the SQL reads task_link and task_write. */
  constructor(
    private readonly links?: InMemoryTaskLinks,
    private readonly queue?: InMemoryWriteQueue,
  ) {}

  async park(_db: unknown, connectionId: string, change: SyncChange): Promise<void> {
    this.parked.push({ id: String(this.nextId++), connectionId, change });
  }

  async connectionsWaiting(): Promise<string[]> {
    return [...new Set(this.parked.map((p) => p.connectionId))];
  }

  async lockForRelease(_db: unknown, connectionId: string): Promise<ParkedChange[]> {
    return this.parked.filter((p) => p.connectionId === connectionId).map(({ id, change }) => ({ id, change }));
  }

  async release(_db: unknown, ids: readonly string[]): Promise<void> {
    for (const id of ids)
      this.parked.splice(
        this.parked.findIndex((p) => p.id === id),
        1,
      );
  }

  async connectionState(_db: unknown, connectionId: string): Promise<ConnectionState> {
    return {
      parked: this.parked.some((p) => p.connectionId === connectionId),
      settings: this.settings.get(connectionId) ?? { enabled: false, history: [], salesforceUserId: null },
    };
  }

  async connectionStates(db: unknown, connectionIds: readonly string[]): Promise<Map<string, ConnectionState>> {
    return new Map(
      await Promise.all(connectionIds.map(async (id) => [id, await this.connectionState(db, id)] as const)),
    );
  }

  async salesConnectUserOf(_db: unknown, connectionId: string): Promise<string | null> {
    return this.salesConnectUsers.get(connectionId) ?? null;
  }

  async unlinkedDeletions(
    _db: unknown,
    deletions: readonly { connectionId: string; change: SyncChange }[],
  ): Promise<Omit<UnlinkedDeletion, 'waitedMs'>[]> {
    return deletions.map(({ connectionId, change }) => ({
      createInFlight: this.createInFlight(connectionId, change.side),
      linkedNow: [...(this.links?.links.values() ?? [])].some(
        (l) => !l.unlinked && l.connectionId === connectionId && idOn(l, change.side) === change.taskId,
      ),
    }));
  }

  async awaitCreates(
    _db: unknown,
    deletions: readonly { connectionId: string; change: SyncChange; waitingSinceMs: number }[],
  ): Promise<void> {
    for (const d of deletions) this.awaitingCreate.push({ id: String(this.nextId++), ...d });
  }

  async lockDeletionsReady(_db: unknown, waitedUpTo: Date, limit: number): Promise<DeletionAwaitingCreate[]> {
    return this.awaitingCreate
      .filter((a) => a.waitingSinceMs <= waitedUpTo.getTime() || !this.createInFlight(a.connectionId, a.change.side))
      .slice(0, limit);
  }

  async anyDeletionAwaiting(): Promise<boolean> {
    return this.awaitingCreate.length > 0;
  }

  async releaseDeletions(_db: unknown, ids: readonly string[]): Promise<void> {
    for (const id of ids)
      this.awaitingCreate.splice(
        this.awaitingCreate.findIndex((a) => a.id === id),
        1,
      );
  }

  private createInFlight(connectionId: string, side: Side): boolean {
    return (this.queue?.rows ?? []).some(
      (r) => r.connectionId === connectionId && r.side === side && r.write.type === 'create',
    );
  }
}

/** task_link and sync_conflict, in memory, unique per connection on each side's id while live. */
export class InMemoryTaskLinks implements Public<TaskLinksRepository> {
  readonly links = new Map<string, RunLink>();
  readonly conflicts: RunConflict[] = [];

  async lockForRun(_db: unknown, changes: readonly { connectionId: string; change: SyncChange }[]): Promise<RunLinks> {
    const wanted = linkKeysOf(changes);
    const read = SIDES.flatMap((side) =>
      wanted[side].flatMap(([connectionId, taskId]) =>
        this.live().filter((l) => l.connectionId === connectionId && idOn(l, side) === taskId),
      ),
    );
    // A copy: what the run changes is stored only by saveRun, as with the table.
    return new RunLinks(structuredClone(read));
  }

  async saveRun(_db: unknown, run: RunLinks): Promise<void> {
    const { sfdcIdsFound, changed, created, conflicts } = run.changes();
    for (const l of sfdcIdsFound) {
      const stored = this.links.get(l.id);
      if (stored && stored.sfdcTaskId === null) stored.sfdcTaskId = l.sfdcTaskId;
    }
    for (const l of changed) {
      const stored = this.links.get(l.id);
      if (stored)
        this.links.set(l.id, { ...stored, state: structuredClone(l.state), unlinked: stored.unlinked || l.unlinked });
    }
    const taken = created.filter(
      (l) =>
        !l.unlinked &&
        SIDES.some(
          (side) =>
            idOn(l, side) &&
            this.live().some((o) => o.connectionId === l.connectionId && idOn(o, side) === idOn(l, side)),
        ),
    );
    if (taken.length > 0)
      throw new LinkRaceError(
        `${taken.length} of ${created.length} tasks were linked meanwhile by another transaction`,
      );
    for (const l of created) this.links.set(l.id, structuredClone(l));
    this.conflicts.push(...conflicts);
  }

  async idsOf(_db: unknown, linkIds: readonly string[]): Promise<Map<string, LinkIds>> {
    const ids = new Map<string, LinkIds>();
    for (const id of linkIds) {
      const l = this.links.get(id);
      if (!l) continue;
      ids.set(id, {
        salesConnectTaskId: l.salesConnectTaskId,
        sfdcTaskId: l.sfdcTaskId,
        lastSeenSfdc: l.state.lastSeen?.sfdc ?? null,
        sfdcWrittenAt: l.state.sfdcWrittenAt ?? null,
        unlinked: l.unlinked,
        agreedForSfdc: null,
        agreedForSalesConnect: null,
        salesConnectVersion: l.state.salesConnectVersion ?? null,
        subject: l.state.fields?.title?.value ?? null,
      });
    }
    return ids;
  }

  async learnSfdcTaskId(_db: unknown, linkId: string, sfdcTaskId: string): Promise<void> {
    const l = this.links.get(linkId);
    if (l && l.sfdcTaskId === null) l.sfdcTaskId = sfdcTaskId;
  }

  private live(): RunLink[] {
    return [...this.links.values()].filter((l) => !l.unlinked);
  }
}

/** task_write, in memory: rows in the order queued, each due unless postponed past `now`. */
export class InMemoryWriteQueue implements Public<WriteQueueRepository> {
  readonly rows: (RunWrite & { id: string; attempts: number; notBefore: number; lastError: string | null })[] = [];
  /** Links created on a side by a landed write: link id → the new task's id. */
  readonly landedIds = new Map<string, string>();
  now = Date.now();
  private nextId = 1;

  async queue(_db: unknown, writes: readonly RunWrite[]): Promise<void> {
    for (const w of writes)
      this.rows.push({ ...w, id: String(this.nextId++), attempts: 0, notBefore: 0, lastError: null });
  }

  async dueConnections(): Promise<QueuedConnection[]> {
    const ids = [...new Set(this.rows.map((r) => r.connectionId))].sort();
    return ids.map((connectionId) => {
      const due = this.rows.filter((r) => r.connectionId === connectionId && r.notBefore <= this.now);
      const sfdc = due.filter((r) => r.side === 'sfdc');
      return {
        connectionId,
        salesConnectDue: due.some((r) => r.side === 'salesconnect'),
        sfdc: {
          queued: sfdc.length,
          mix: {
            updates: new Set(sfdc.filter((r) => !['create', 'delete'].includes(r.write.type)).map((r) => r.linkId))
              .size,
            upserts: sfdc.filter((r) => r.write.type === 'create').length,
            deletes: sfdc.filter((r) => r.write.type === 'delete').length,
          },
          oldestWaitedMs: 0,
          newestWaitedMs: 0,
        },
      };
    });
  }

  async readDue(_db: unknown, connectionId: string, limits: Record<Side, number>): Promise<QueuedWriteRow[]> {
    return SIDES.flatMap((side) =>
      this.rows
        .filter((r) => r.connectionId === connectionId && r.side === side)
        .slice(0, limits[side])
        .map((r) => ({
          id: r.id,
          linkId: r.linkId,
          side: r.side,
          action: r.write,
          due: r.notBefore <= this.now,
          attempts: r.attempts,
          waitedMs: 0,
        })),
    );
  }

  async lockConnection(): Promise<boolean> {
    return true;
  }

  async markLanded(_db: unknown, done: readonly LandedWrite[]): Promise<void> {
    for (const [w, o] of done) if (o.createdId) this.landedIds.set(`${w.side}:${w.linkId}`, o.createdId);
    await this.remove(
      _db,
      done.flatMap(([w]) => w.rowIds),
    );
  }

  async postpone(_db: unknown, rowIds: readonly string[], delayMs: number, reason: string): Promise<void> {
    for (const r of this.rows.filter((r) => rowIds.includes(r.id)))
      Object.assign(r, { notBefore: this.now + delayMs, lastError: reason });
  }

  async markRetrying(
    _db: unknown,
    rowIds: readonly string[],
    attempts: number,
    delayMs: number,
    reason: string,
  ): Promise<void> {
    for (const r of this.rows.filter((r) => rowIds.includes(r.id)))
      Object.assign(r, { attempts, notBefore: this.now + delayMs, lastError: reason });
  }

  async remove(_db: unknown, rowIds: readonly string[]): Promise<void> {
    for (const id of rowIds) {
      const i = this.rows.findIndex((r) => r.id === id);
      if (i !== -1) this.rows.splice(i, 1);
    }
  }
}

export class InMemoryFailedWrites implements Pick<
  FailedWritesRepository,
  'queueDueRetries' | 'queueSupersededByNewerWrites' | 'recordFailure' | 'clearLanded'
> {
  readonly failed = new Map<string, FailedWriteState>();

  constructor(private readonly policy: FailedWriteRetryPolicy = DEFAULT_FAILED_WRITE_RETRY) {}

  async queueDueRetries(): Promise<number> {
    return 0;
  }

  async queueSupersededByNewerWrites(): Promise<void> {
    return;
  }

  async recordFailure(
    _db: unknown,
    connectionId: string,
    write: CoalescedWrite,
    ids: LinkIds | undefined,
    code: string,
    reason: string,
  ): Promise<FailedWriteState> {
    const now = new Date();
    const previous = this.failed.get(`${write.side}:${write.linkId}`);
    const attempts = (previous?.attempts ?? 0) + 1;
    const decision = decideFailedWriteRetry(attempts, now, this.policy);
    const state: FailedWriteState = {
      connectionId,
      linkId: write.linkId,
      side: write.side,
      kind: write.kind === 'none' ? 'update' : write.kind,
      code,
      reason,
      attempts,
      firstFailedAt: previous?.firstFailedAt ?? now,
      nextRetryAt: decision.kind === 'retry' ? decision.at : null,
      salesConnectTaskId: ids?.salesConnectTaskId ?? null,
      sfdcTaskId: ids?.sfdcTaskId ?? null,
      subject: ids?.subject ?? null,
    };
    this.failed.set(`${write.side}:${write.linkId}`, state);
    return state;
  }

  async clearLanded(
    _db: unknown,
    connectionId: string,
    landed: readonly Pick<CoalescedWrite, 'linkId' | 'side'>[],
  ): Promise<ClearedWrite[]> {
    return landed
      .filter((w) => this.failed.delete(`${w.side}:${w.linkId}`))
      .map((w) => ({ connectionId, linkId: w.linkId, side: w.side }));
  }
}

const idOn = (link: { salesConnectTaskId: string | null; sfdcTaskId: string | null }, side: Side) =>
  side === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId;
