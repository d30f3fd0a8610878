import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import type { Db, Transactions } from '../transactions';
import type { TaskLink } from '@task-sync/task-domain';
import {
  decideOnChange,
  isAheadOfSettings,
  isUnlinkedDeletion,
  mustAwaitOwnCreate,
  OWN_CREATE_WAIT_MS,
  mustParkChange,
  releasableParkedChanges,
  settingsNeededUpTo,
  waitForSettingsClockMs,
  type ConnectionSyncSettings,
  type SettingsCoverage,
  type SyncAction,
  type SyncChange,
} from '@task-sync/sync-rules';
import { SettingsView } from '@task-sync/data-access-connection-settings';
import { APP_CONFIG, MetricsService } from '@task-sync/util-nest';
import { Counter } from 'prom-client';
import type { ReconcilerConfig } from '../reconciler.config';
import type { RunLink, RunLinks } from '../links/run-links';
import { TaskLinksRepository } from '../links/task-links.repository';
import { WriteQueueRepository } from '../writes/write-queue.repository';
import { ParkedChangesRepository, type ConnectionState } from './parked-changes.repository';
import { TaskActivityBatch } from '../activity/task-activity.repository';
import { originOfChange, subjectOf, type ActivitySubject } from '../activity/task-activity';

/** Per connection, within one transaction: whether its changes are parked, and its setting as read. */
export type RunSettings = Map<string, ConnectionState>;

export type SettingsCoverageSource = Pick<SettingsView, 'coveredUpTo' | 'covers'>;

/** A change to decide, with its connection's setting as this transaction read it. */
export interface Decidable {
  connectionId: string;
  change: SyncChange;
  settings: ConnectionSyncSettings;
  /** A deletion decided again after it waited for the sync's own create (mustAwaitOwnCreate): since when (ms). */
  waitingSinceMs?: number;
}

const SUMMARY_INTERVAL_MS = 10_000;
/** Deletions decided again a transaction: they are few, and each may queue a delete. */
const DELETIONS_A_RELEASE = 200;

/** Nothing here calls either side: writes go out after the transaction (and the processed-message records) committed. */
@Injectable()
export class ReconcileChangeService implements OnModuleDestroy {
  private readonly logger = new Logger('reconcile');
  /** Summed, since an import decides one per task: a line each would drown the log. */
  private recent = new Map<string, number>();
  private readonly summaryTimer = setInterval(() => this.logSummary(), SUMMARY_INTERVAL_MS).unref();
  private readonly decisions: Counter<'action' | 'side'>;
  private readonly conflicts: Counter<'field' | 'winner'>;

  constructor(
    @Inject(DataSource) private readonly dataSource: Transactions,
    @Inject(APP_CONFIG) private readonly config: Pick<ReconcilerConfig, 'SYNC_CLIENT_NAME'>,
    @Inject(SettingsView) private readonly settingsView: SettingsCoverageSource,
    @Inject(MetricsService) metrics: Pick<MetricsService, 'registry'>,
    @Inject(ParkedChangesRepository) private readonly parkedChanges: ParkedChangesRepository,
    @Inject(TaskLinksRepository) private readonly links: TaskLinksRepository,
    @Inject(WriteQueueRepository) private readonly writeQueue: WriteQueueRepository,
  ) {
    this.decisions = new Counter({
      name: 'tasksync_reconciler_decisions_total',
      help: 'Actions decided for changes, by action (create, update, …, or ignore:<reason>) and the side of the change.',
      labelNames: ['action', 'side'],
      registers: [metrics.registry],
    });
    // Where an operator sees conflicts at a glance; each one is also a row in sync_conflict and a log line.
    this.conflicts = new Counter({
      name: 'tasksync_reconciler_conflicts_total',
      help: 'Fields both sides changed since the last sync, by field and winning side.',
      labelNames: ['field', 'winner'],
      registers: [metrics.registry],
    });
  }

  /** R7 exact: the view is brought up to the run's newest change first, so the usual run parks nothing. */
  async prepareSettingsFor(changes: readonly SyncChange[]): Promise<void> {
    const needed = Math.max(...changes.map(settingsNeededUpTo));
    // A timer can fire a millisecond early against Date.now(), so the wait is checked again.
    for (let wait = this.settingsClockWait(needed); wait > 0; wait = this.settingsClockWait(needed)) await sleep(wait);
    if (isAheadOfSettings(needed, this.settingsView.coveredUpTo, Date.now())) await this.settingsView.covers(needed);
  }

  private settingsClockWait(needed: number): number {
    return waitForSettingsClockMs(needed, this.settingsView.coveredUpTo, Date.now());
  }

  settingsCover(instantMs: number): Promise<boolean> {
    return this.settingsView.covers(instantMs);
  }

  async runSettingsFor(db: Db, connectionIds: readonly string[]): Promise<RunSettings> {
    return connectionIds.length === 0 ? new Map() : this.parkedChanges.connectionStates(db, connectionIds);
  }

  /**
   * R7 exact: a change is decided only on a settings view that holds every setting change up to when
   * it was made (a disable a millisecond before it). Until then it is parked, with every later change
   * of its connection so their order holds, instead of blocking the partition.
   */
  async parkIfSettingUnknown(
    db: Db,
    connectionId: string,
    change: SyncChange,
    run: RunSettings = new Map(),
  ): Promise<{ parked: true } | { parked: false; settings: ConnectionSyncSettings }> {
    let known = run.get(connectionId);
    if (!known) {
      known = await this.parkedChanges.connectionState(db, connectionId);
      run.set(connectionId, known);
    }
    if (!mustParkChange(change, known.parked, this.coverage())) return { parked: false, settings: known.settings };
    await this.parkedChanges.park(db, connectionId, change);
    run.set(connectionId, { ...known, parked: true });
    this.logger.log(
      `connection ${connectionId}: ${change.side} ${change.kind} of ${change.taskId} parked until the settings are known up to when it was made`,
    );
    return { parked: true };
  }

  async releaseParked(): Promise<number> {
    const waiting = await this.parkedChanges.connectionsWaiting(this.dataSource);
    if (waiting.length === 0) return 0;
    await this.settingsView.covers(Date.now());
    let released = 0;
    for (const connectionId of waiting) {
      released += await this.dataSource.transaction(async (db) => {
        const ready = releasableParkedChanges(
          await this.parkedChanges.lockForRelease(db, connectionId),
          this.coverage(),
        );
        if (ready.length === 0) return 0;
        const { settings } = await this.parkedChanges.connectionState(db, connectionId);
        await this.decide(
          db,
          ready.map((r) => ({ connectionId, change: r.change, settings })),
        );
        await this.parkedChanges.release(
          db,
          ready.map((r) => r.id),
        );
        return ready.length;
      });
    }
    return released;
  }

  /** `repairAs`: how the timeline names readings of source 'repair' (a drift pass, a person's resync, a held write's read). */
  async decide(
    db: Db,
    changes: Decidable[],
    repairAs: 'drift' | 'resync' | 'held-write-read' = 'drift',
  ): Promise<void> {
    if (changes.length === 0) return;
    const links = await this.links.lockForRun(db, changes);
    const activity = new TaskActivityBatch();
    const unlinkedDeletions: Decidable[] = [];
    for (const d of changes) {
      // Decided after the others: ignored or waiting, such a deletion changes no link of the run.
      if (isUnlinkedDeletion(d.change, links.find(d.connectionId, d.change) !== null, this.config.SYNC_CLIENT_NAME))
        unlinkedDeletions.push(d);
      else this.decideOne(links, activity, d.connectionId, d.change, d.settings, repairAs);
    }
    // Asked after lockForRun read the links, before this run queues its own creates.
    const states = await this.parkedChanges.unlinkedDeletions(db, unlinkedDeletions);
    const now = Date.now();
    const awaiting: (Decidable & { waitingSinceMs: number })[] = [];
    for (const [i, d] of unlinkedDeletions.entries()) {
      const waitingSinceMs = d.waitingSinceMs ?? now;
      if (mustAwaitOwnCreate({ ...states[i], waitedMs: now - waitingSinceMs })) awaiting.push({ ...d, waitingSinceMs });
      else this.decideOne(links, activity, d.connectionId, d.change, d.settings, repairAs);
    }
    await this.links.saveRun(db, links);
    await this.writeQueue.queue(db, links.changes().writes);
    await activity.flush(db);
    await this.parkedChanges.awaitCreates(db, awaiting);
    for (const { connectionId, change, waitingSinceMs } of awaiting) {
      this.decisions.inc({ action: 'await-own-create', side: change.side });
      if (waitingSinceMs === now)
        this.logger.log(
          `connection ${connectionId}: ${change.side} delete of ${change.taskId} waits for the sync's own create there to land (no link names the task yet)`,
        );
    }
  }

  /** Deletions that waited for the sync's own create (mustAwaitOwnCreate), decided again once it landed. */
  async releaseDeletionsAwaitingCreate(): Promise<number> {
    if (!(await this.parkedChanges.anyDeletionAwaiting(this.dataSource))) return 0;
    return this.dataSource.transaction(async (db) => {
      const ready = await this.parkedChanges.lockDeletionsReady(
        db,
        new Date(Date.now() - OWN_CREATE_WAIT_MS),
        DELETIONS_A_RELEASE,
      );
      if (ready.length === 0) return 0;
      const states = await this.parkedChanges.connectionStates(
        db,
        ready.map((r) => r.connectionId),
      );
      await this.decide(
        db,
        ready.map(({ connectionId, change, waitingSinceMs }) => ({
          connectionId,
          change,
          settings: (states.get(connectionId) as ConnectionState).settings,
          waitingSinceMs,
        })),
      );
      await this.parkedChanges.releaseDeletions(
        db,
        ready.map((r) => r.id),
      );
      return ready.length;
    });
  }

  private decideOne(
    links: RunLinks,
    activity: TaskActivityBatch,
    connectionId: string,
    change: SyncChange,
    settings: ConnectionSyncSettings,
    repairAs: 'drift' | 'resync' | 'held-write-read',
  ): void {
    const found = links.find(connectionId, change);
    const link: TaskLink | null = found
      ? { ...found.state, salesConnectTaskId: found.salesConnectTaskId ?? '', sfdcTaskId: found.sfdcTaskId ?? '' }
      : null;
    const actions = decideOnChange({ connectionId, settings, link, ourOrigin: this.config.SYNC_CLIENT_NAME }, change);
    let paired = found;
    for (const action of actions) {
      paired = this.carryOut(links, connectionId, found, action) ?? paired;
      this.decisions.inc({
        action: action.type === 'ignore' ? `ignore:${action.reason}` : action.type,
        side: change.side,
      });
      if (action.type === 'conflict') this.conflicts.inc({ field: action.field, winner: action.winner.side });
    }
    // The timeline is kept for paired tasks only: a change the rules never paired has no task page to show it on.
    if (paired) {
      const of: ActivitySubject = {
        connectionId,
        linkId: paired.id,
        salesConnectTaskId: paired.salesConnectTaskId,
        sfdcTaskId: paired.sfdcTaskId,
        subject: subjectOf(change.fields) ?? paired.state.fields?.title?.value ?? null,
      };
      activity.recordRead(of, change, originOfChange(change, repairAs), this.config.SYNC_CLIENT_NAME);
      activity.recordDecision(of, change, actions);
    }
    const labels = actions.map(labelOf);
    // Each decision at debug (LOG_LEVEL=debug to follow one task); every ten seconds, their sum at info.
    this.logger.debug(
      `connection ${connectionId}: ${change.side} ${change.kind} of ${change.taskId} (${change.source}): ${labels.join(', ')}`,
    );
    for (const label of labels) this.recent.set(label, (this.recent.get(label) ?? 0) + 1);
  }

  onModuleDestroy(): void {
    clearInterval(this.summaryTimer);
    this.logSummary();
  }

  private logSummary(): void {
    if (this.recent.size === 0) return;
    const decided = [...this.recent].sort((a, b) => b[1] - a[1]);
    this.recent = new Map();
    this.logger.log(
      `decisions in the last ${SUMMARY_INTERVAL_MS / 1000} s: ${decided.map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  }

  private carryOut(links: RunLinks, connectionId: string, link: RunLink | null, action: SyncAction): RunLink | null {
    switch (action.type) {
      case 'create': {
        // Another link already holds this task (a redelivery raced a restart): never a second pair.
        const created = links.create(connectionId, action.link);
        if (created) links.queue(created, action.side, { type: 'create', fields: action.fields });
        return created;
      }
      case 'update':
        if (link) links.queue(link, action.side, { type: 'update', fields: action.fields });
        return null;
      case 'complete':
      case 'reopen':
      case 'delete':
        if (link) links.queue(link, action.side, { type: action.type });
        return null;
      case 'link':
        if (link) links.store(link, action.link);
        return null;
      case 'unlink':
        if (link) links.unlink(link);
        return null;
      case 'conflict':
        if (link) links.conflict(link, action.field, action.winner, action.loser);
        this.logger.warn(
          `connection ${connectionId}: conflict on ${action.field}: ${action.winner.side} (${action.winner.changedAt}) wins over ${action.loser.side} (${action.loser.changedAt})`,
        );
        return null;
      case 'ignore':
        return null;
    }
  }

  private coverage(): SettingsCoverage {
    return { coveredUpTo: this.settingsView.coveredUpTo, nowMs: Date.now() };
  }
}

/** An action as the logs name it: `create→sfdc`, `ignore(echo)`, `link`, … */
function labelOf(action: SyncAction): string {
  if (action.type === 'ignore') return `ignore(${action.reason})`;
  if (action.type === 'create' || action.type === 'update' || action.type === 'delete')
    return `${action.type}→${action.side}`;
  return action.type;
}
