import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Counter } from 'prom-client';
import { judgeHeldWrite, repairChangeOf, type HeldWriteDecision, type SyncChange } from '@task-sync/sync-rules';
import { salesforceIdKey, type Side } from '@task-sync/task-domain';
import { APP_CONFIG, MetricsService } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import { ReconcileChangeService } from '../changes/reconcile-change.service';
import { ParkedChangesRepository } from '../changes/parked-changes.repository';
import { DriftRepairReads } from '../drift/drift-repair.service';
import { readSalesConnectSide, readSfdcSide, readSfdcTasks } from '../drift/pair-reads';

/** A held write's target: the task it would write, on its side. */
export interface HeldTarget {
  linkId: string;
  side: Side;
  taskId: string;
}

/** Held writes tracked at once (a link's entry goes when its write stops being held); past it the oldest go. */
const TRACKED_MAX = 10_000;

/**
 * A held write is never sent blind: when the ingest is late, down, or never brings the change
 * (decideHeldWrite), the target is read here directly and the reading decided as a change, so the
 * write goes next round with the values agreed.
 */
@Injectable()
export class HeldWriteReadsService {
  private readonly logger = new Logger('writes');
  private readonly whoEmails = new Map<string, string | null>();
  /** Per link and side: direct reads made for its held write, and when the last one was. */
  private readonly tracked = new Map<string, { reads: number; lastReadAtMs: number }>();
  private readonly readsCounter: Counter<'side' | 'outcome'>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ReconcileChangeService) private readonly reconcile: ReconcileChangeService,
    @Inject(DriftRepairReads) private readonly clients: DriftRepairReads,
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(ParkedChangesRepository) private readonly parkedChanges: ParkedChangesRepository,
  ) {
    this.readsCounter = new Counter({
      name: 'tasksync_reconciler_held_write_reads_total',
      help: 'Targets of held writes read directly, by side and outcome (decided, not-present, settings-unknown, parked, failed).',
      labelNames: ['side', 'outcome'],
      registers: [metrics.registry],
    });
  }

  decide(linkId: string, side: Side, waitedMs: number, nowMs = Date.now()): HeldWriteDecision {
    const key = `${linkId}:${side}`;
    const seen = this.tracked.get(key);
    const { decision, remember } = judgeHeldWrite(
      seen,
      { waitedMs, nowMs },
      {
        readAfterMs: this.config.HELD_WRITE_READ_AFTER_MS,
        readEveryMs: this.config.HELD_WRITE_READ_EVERY_MS,
        maxReads: this.config.HELD_WRITE_MAX_READS,
      },
    );
    if (!remember) this.tracked.delete(key);
    else if (remember !== seen) {
      if (!seen && this.tracked.size >= TRACKED_MAX) this.tracked.delete(this.tracked.keys().next().value as string);
      this.tracked.set(key, remember);
    }
    return decision;
  }

  forget(linkId: string, side: Side): void {
    this.tracked.delete(`${linkId}:${side}`);
  }

  /**
   * A target deleted or gone is left to its own delete (the write finds it gone and is done). On a
   * failure the write stays held and the next read comes readEveryMs later.
   */
  async readAndDecide(
    connectionId: string,
    salesConnectUserId: string | null,
    targets: readonly HeldTarget[],
  ): Promise<void> {
    if (targets.length === 0) return;
    const now = Date.now();
    const changes: SyncChange[] = [];
    const sfdc = targets.filter((t) => t.side === 'sfdc');
    const salesConnect = targets.filter((t) => t.side === 'salesconnect');
    try {
      if (sfdc.length > 0) {
        const reader = this.clients.sfdcReader(connectionId, this.config.SALESFORCE_API_VERSION);
        const records = new Map(
          (
            await readSfdcTasks(
              reader,
              sfdc.map((t) => t.taskId),
              this.whoEmails,
            )
          ).map((r) => [salesforceIdKey(r.Id), r]),
        );
        for (const t of sfdc)
          this.collect(changes, t, readSfdcSide(records.get(salesforceIdKey(t.taskId)), this.whoEmails));
      }
      if (salesConnect.length > 0 && salesConnectUserId) {
        const tasks = new Map(
          (
            await this.clients.salesConnect
              .forUser(salesConnectUserId)
              .listTasksByIds(salesConnect.map((t) => t.taskId))
          ).map((t) => [t.id, t]),
        );
        for (const t of salesConnect) this.collect(changes, t, readSalesConnectSide(tasks.get(t.taskId)));
      }
    } catch (e) {
      for (const t of targets) this.readsCounter.inc({ side: t.side, outcome: 'failed' });
      this.logger.warn(
        `connection ${connectionId}: reading ${targets.length} held write target(s) failed (they stay held): ${(e as Error).message}`,
      );
      return;
    }
    if (changes.length === 0) return;
    const count = (outcome: string) => changes.forEach((c) => this.readsCounter.inc({ side: c.side, outcome }));
    // R7 exact: the readings are decided on settings known up to when they were read.
    if (!(await this.reconcile.settingsCover(now))) return count('settings-unknown');
    const decided = await this.dataSource.transaction(async (manager) => {
      const { parked, settings } = await this.parkedChanges.connectionState(manager, connectionId);
      // Parked changes of the connection go first, in order; the write stays held until they are decided.
      if (parked) return false;
      await this.reconcile.decide(
        manager,
        changes.map((change) => ({ connectionId, change, settings })),
        'held-write-read',
      );
      return true;
    });
    count(decided ? 'decided' : 'parked');
    if (decided)
      this.logger.log(
        `connection ${connectionId}: ${changes.map((c) => `${c.side} task ${c.taskId}`).join(', ')} read directly for held writes, and decided as read`,
      );
  }

  private collect(changes: SyncChange[], target: HeldTarget, read: ReturnType<typeof readSfdcSide>): void {
    if (read.state === 'present') changes.push(repairChangeOf(target.side, target.taskId, read));
    else this.readsCounter.inc({ side: target.side, outcome: 'not-present' });
  }
}
