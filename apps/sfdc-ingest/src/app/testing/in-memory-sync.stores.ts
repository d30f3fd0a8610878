// Spec stand-ins for sfdc-ingest's tables and Kafka, so an orchestrator runs in memory in milliseconds.
import type { PollPosition, SfdcReadStage } from '@task-sync/sync-rules';
import type { OutgoingMessage, StatusReport } from '@task-sync/util-nest';
import type { EntityManager } from 'typeorm';
import type { PublishedChanges, SyncStateTransitions, Transactions } from '../sync/connection-sync.runner';
import type { PublishedChange } from '../sync/published-change.repository';
import type { SfdcSyncState } from '../sync/sync-state';

/** A connection's read position as a fresh enable leaves it (startEnable's row), with these changes. */
export function buildSyncState(overrides: Partial<SfdcSyncState> = {}): SfdcSyncState {
  const enableAt = overrides.enableAt ?? new Date('2026-11-24T10:00:00.000Z');
  return {
    connectionId: 'conn-1',
    enableAt,
    enableKind: 'first-enable',
    stage: 'import',
    importAfterStamp: null,
    importAfterId: null,
    importFound: null,
    importImported: 0,
    importFailed: 0,
    changesWatermark: enableAt,
    pollFrom: null,
    pollAfterStamp: null,
    pollAfterId: null,
    deletesWatermark: enableAt,
    auditedAt: null,
    nextRunAt: enableAt,
    idlePolls: 0,
    pausedReason: null,
    polledThrough: null,
    leaseUntil: null,
    ...overrides,
  };
}

/** The transaction's manager in memory: the stores below ignore it; a step only passes it on. */
const IN_MEMORY_MANAGER = {} as EntityManager;

/** Runs the work at once; `failNext` makes the next commit fail after the work ran (what each store saved is then rolled back). */
export class InMemoryTransactions implements Transactions {
  committed = 0;
  private failing: Error | null = null;
  private readonly stores: { begin(): void; rollback(): void }[] = [];

  enlist(...stores: { begin(): void; rollback(): void }[]): this {
    this.stores.push(...stores);
    return this;
  }

  failNext(error: Error): void {
    this.failing = error;
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (const s of this.stores) s.begin();
    try {
      const result = await work(IN_MEMORY_MANAGER);
      if (this.failing) throw this.failing;
      this.committed += 1;
      return result;
    } catch (e) {
      this.failing = null;
      for (const s of this.stores) s.rollback();
      throw e;
    }
  }
}

/** sfdc_sync_state in memory: the named transitions a step makes, each saving onto the step's state as the real one does. */
export class InMemorySyncStateRepository implements SyncStateTransitions {
  private readonly rows = new Map<string, SfdcSyncState>();
  private before: Map<string, SfdcSyncState> | null = null;

  constructor(...states: SfdcSyncState[]) {
    for (const s of states) this.rows.set(s.connectionId, { ...s });
  }

  /** The row as saved (a copy). */
  stored(connectionId: string): SfdcSyncState {
    const row = this.rows.get(connectionId);
    if (!row) throw new Error(`no sync state for ${connectionId}`);
    return { ...row };
  }

  begin(): void {
    this.before = new Map([...this.rows].map(([id, row]) => [id, { ...row }]));
  }

  rollback(): void {
    if (this.before) for (const [id, row] of this.before) this.rows.set(id, row);
    this.before = null;
  }

  async recordImportCount(state: SfdcSyncState, found: number): Promise<void> {
    this.save(state, { importFound: found });
  }

  async recordImportPage(
    _manager: EntityManager,
    state: SfdcSyncState,
    page: { after: { stamp: Date; id: string } | null; imported: number; failed: number; stage: SfdcReadStage },
  ): Promise<void> {
    this.save(state, {
      importAfterStamp: page.after ? page.after.stamp : state.importAfterStamp,
      importAfterId: page.after ? page.after.id : state.importAfterId,
      importImported: page.imported,
      importFailed: page.failed,
      stage: page.stage,
    });
  }

  async finishReenableDeletes(state: SfdcSyncState): Promise<void> {
    this.save(state, { stage: 'live' });
  }

  async advancePoll(_manager: EntityManager, state: SfdcSyncState, position: PollPosition): Promise<void> {
    this.save(state, {
      changesWatermark: new Date(position.changesWatermark),
      pollFrom: position.pollFrom === null ? null : new Date(position.pollFrom),
      pollAfterStamp: position.after ? new Date(position.after.stamp) : null,
      pollAfterId: position.after ? position.after.id : null,
      ...(position.polledThrough === undefined ? {} : { polledThrough: new Date(position.polledThrough) }),
    });
  }

  async recordDeleteAudit(
    _manager: EntityManager,
    state: SfdcSyncState,
    deletesWatermark: Date,
    at: Date,
  ): Promise<void> {
    this.save(state, { deletesWatermark, auditedAt: at });
  }

  private save(state: SfdcSyncState, changes: Partial<SfdcSyncState>): void {
    this.rows.set(state.connectionId, { ...this.stored(state.connectionId), ...changes });
    Object.assign(state, changes);
  }
}

/** sfdc_published_change in memory, with the real one's rule: a read is new unless it is the task's latest published change again, or older. */
export class InMemoryPublishedChangeRepository implements PublishedChanges {
  private changes: (PublishedChange & { connectionId: string })[] = [];
  private before: typeof this.changes | null = null;
  readonly pruned: string[][] = [];

  of(connectionId: string): PublishedChange[] {
    return this.changes
      .filter((c) => c.connectionId === connectionId)
      .map(({ taskId, stamp, fingerprint }) => ({ taskId, stamp, fingerprint }));
  }

  begin(): void {
    this.before = [...this.changes];
  }

  rollback(): void {
    if (this.before) this.changes = this.before;
    this.before = null;
  }

  async withoutPublished<T extends PublishedChange>(connectionId: string, items: T[]): Promise<T[]> {
    const latest = new Map<string, PublishedChange>();
    for (const c of this.of(connectionId)) {
      const seen = latest.get(c.taskId);
      if (!seen || c.stamp >= seen.stamp) latest.set(c.taskId, c);
    }
    return items.filter((i) => {
      const last = latest.get(i.taskId);
      return !last || i.stamp > last.stamp || (i.stamp === last.stamp && i.fingerprint !== last.fingerprint);
    });
  }

  async remember(_manager: EntityManager, connectionId: string, changes: PublishedChange[]): Promise<void> {
    this.changes.push(...changes.map((c) => ({ ...c, connectionId })));
  }

  /** Records what it was asked to prune; nothing in a spec is old enough to go. */
  async pruneBehindWatermarks(connectionIds: readonly string[]): Promise<void> {
    this.pruned.push([...connectionIds]);
  }
}

/** Kafka as the publisher sees it: what was acknowledged, or a refusal of every publish while `down`. */
export class InMemoryKafka {
  readonly sent: OutgoingMessage[] = [];
  down = false;

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.down) throw new Error('KafkaJSNumberOfRetriesExceeded');
    this.sent.push(...messages);
  }
}

/** The connection statuses reported, in order. */
export class RecordedStatus {
  readonly reports: { connectionId: string; report: StatusReport }[] = [];

  async report(connectionId: string, report: StatusReport): Promise<void> {
    this.reports.push({ connectionId, report });
  }

  last(): StatusReport | undefined {
    return this.reports.at(-1)?.report;
  }
}
