import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Counter } from 'prom-client';
import { SalesConnectClient } from '@task-sync/salesconnect-client';
import {
  ConnectorSettingsSessionClient,
  SalesforceSessionHandle,
  SalesforceTaskReader,
  type ApiCallGate,
} from '@task-sync/sfdc-client';
import { compareLinkedPair, type DriftSkipReason, type SyncChange } from '@task-sync/sync-rules';
import type { SalesConnectTask } from '@task-sync/task-domain';
import { APP_CONFIG, MetricsService } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import { ReconcileChangeService, type Decidable } from '../changes/reconcile-change.service';
import { TaskLinksRepository } from '../links/task-links.repository';
import { ParkedChangesRepository } from '../changes/parked-changes.repository';
import {
  DriftRepairRunRepository,
  noDriftCounts,
  type DriftCounts,
  type DriftRepairReport,
  type DriftTrigger,
  type LinkedPair,
} from './drift-repair-run.repository';
import { pairReads, readSfdcTasks } from './pair-reads';
import { TaskActivityBatch } from '../activity/task-activity.repository';

/** What one pair's resync found and did: in-sync, repaired, unlinked, or skipped:<reason>; and the fields (or side) that differed. */
export interface ResyncReport {
  outcome: string;
  differences: string[];
}

/** How a batch is compared: a pass leaves recently changed pairs to the live path; a person's resync of one pair does not wait. */
interface BatchMode {
  settleMs: number;
  resyncBy?: string | null;
}

/** The reps' own Salesforce sessions: their calls count against the org's allocation. */
export class DriftRepairReads {
  constructor(
    readonly sessions: ConnectorSettingsSessionClient,
    readonly calls: ApiCallGate,
    readonly salesConnect: SalesConnectClient,
  ) {}

  sfdcReader(connectionId: string, apiVersion: string): SalesforceTaskReader {
    return new SalesforceTaskReader(
      new SalesforceSessionHandle(connectionId, this.sessions, { apiVersion, calls: this.calls }),
    );
  }
}

/** Thrown when the connection's pass is already running (on this replica or another). */
export class DriftRepairBusyError extends Error {}

/** The Salesforce calls one batch may need: the tasks by id, and the Contact and Lead e-mails behind them. */
const SFDC_CALLS_A_BATCH = 3;

/**
 * Differences are repaired through the live decision path (readings decided as changes of source
 * 'repair'), so the writes are queued and their outcomes handled like any other.
 */
@Injectable()
export class DriftRepairService {
  private readonly logger = new Logger('drift');
  private readonly runs: DriftRepairRunRepository;
  private readonly whoEmails = new Map<string, string | null>();
  private readonly pairs: Counter<'outcome'>;
  private readonly passes: Counter<'trigger' | 'status'>;
  private readonly sfdcCalls: Counter;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ReconcileChangeService) private readonly reconcile: ReconcileChangeService,
    @Inject(DriftRepairReads) private readonly reads: DriftRepairReads,
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(ParkedChangesRepository) private readonly parkedChanges: ParkedChangesRepository,
    @Inject(TaskLinksRepository) private readonly links: TaskLinksRepository,
  ) {
    this.runs = new DriftRepairRunRepository(dataSource);
    this.pairs = new Counter({
      name: 'tasksync_reconciler_drift_pairs_total',
      help: 'Linked pairs the drift repair compared, by outcome: in-sync, repaired, unlinked, or skipped:<reason>.',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.passes = new Counter({
      name: 'tasksync_reconciler_drift_passes_total',
      help: 'Drift repair passes, by trigger (schedule, re-enable, on-demand) and how they ended (done, cut-short, failed).',
      labelNames: ['trigger', 'status'],
      registers: [metrics.registry],
    });
    this.sfdcCalls = new Counter({
      name: 'tasksync_reconciler_drift_sfdc_calls_total',
      help: 'Salesforce API calls the drift repair made (counted against the org allocation too).',
      registers: [metrics.registry],
    });
  }

  listRuns(connectionId: string): Promise<DriftRepairReport[]> {
    return this.runs.listRuns(connectionId);
  }

  /** One pass; DriftRepairBusyError when the connection's pass is running already. */
  async runPass(connectionId: string, trigger: DriftTrigger): Promise<DriftRepairReport> {
    // A session-level advisory lock: one pass a connection over every replica, released if the process dies.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('drift-repair:' || $1)) AS locked`,
        [connectionId],
      );
      if (!locked) throw new DriftRepairBusyError(`connection ${connectionId}: a drift repair pass is running already`);
      try {
        return await this.pass(connectionId, trigger);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('drift-repair:' || $1))`, [connectionId]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Compared as a pass would, without waiting for a recent change to settle. null: no such live pair
   * (or not created on both sides yet).
   */
  async resyncPair(connectionId: string, linkId: string, by: string | null): Promise<ResyncReport | null> {
    const pair = await this.runs.findLinkedPair(connectionId, linkId);
    if (!pair) return null;
    const userId = await this.parkedChanges.salesConnectUserOf(this.dataSource, connectionId);
    if (!userId) return { outcome: 'skipped:sync-disabled', differences: [] };
    const sfdc = this.reads.sfdcReader(connectionId, this.config.SALESFORCE_API_VERSION);
    const counts = noDriftCounts();
    const before = sfdc.calls;
    try {
      const [report] = await this.repairBatch(
        connectionId,
        [pair],
        sfdc,
        this.reads.salesConnect.forUser(userId),
        counts,
        { settleMs: 0, resyncBy: by },
      );
      return report;
    } finally {
      this.sfdcCalls.inc(sfdc.calls - before);
    }
  }

  private async pass(connectionId: string, trigger: DriftTrigger): Promise<DriftRepairReport> {
    const { runId, resumeAfter } = await this.runs.startRun(connectionId, trigger);
    const counts = noDriftCounts();
    const sfdc = this.reads.sfdcReader(connectionId, this.config.SALESFORCE_API_VERSION);
    let after = resumeAfter;
    let status: 'done' | 'cut-short' | 'failed' = 'done';
    let error: string | null = null;
    try {
      const userId = await this.parkedChanges.salesConnectUserOf(this.dataSource, connectionId);
      if (!userId) throw new Error('this service does not know the connection (no setting received)');
      const salesConnect = this.reads.salesConnect.forUser(userId);
      // R7: nothing crosses while sync is off, so nothing is read either (the decisions check again, in their transaction).
      const { settings } = await this.parkedChanges.connectionState(this.dataSource.manager, connectionId);
      if (!settings.enabled) error = 'SYNC_DISABLED: sync is off for this connection; nothing was compared';
      while (!error) {
        const batch = await this.runs.listLinkedPairs(connectionId, after, this.config.DRIFT_REPAIR_BATCH_SIZE);
        if (batch.length === 0) break;
        if (sfdc.calls + SFDC_CALLS_A_BATCH > this.config.DRIFT_REPAIR_MAX_SFDC_CALLS) {
          status = 'cut-short';
          break;
        }
        const before = sfdc.calls;
        try {
          await this.repairBatch(connectionId, batch, sfdc, salesConnect, counts, {
            settleMs: this.config.DRIFT_REPAIR_SETTLE_MS,
          });
        } finally {
          this.sfdcCalls.inc(sfdc.calls - before);
          counts.sfdcCalls = sfdc.calls;
        }
        after = batch[batch.length - 1].id;
        if (batch.length < this.config.DRIFT_REPAIR_BATCH_SIZE) break;
      }
    } catch (e) {
      status = 'failed';
      const err = e as { errorCode?: string; code?: string; message?: string };
      error = `${err.errorCode ?? err.code ?? 'ERROR'}: ${err.message ?? String(e)}`;
    }
    // A pass that did not finish goes on from where it stopped; one that did starts over next time.
    const report = await this.runs.finishRun(runId, status, {
      ...counts,
      resumeAfter: status === 'done' ? null : after,
      error,
    });
    this.passes.inc({ trigger, status });
    const line = `connection ${connectionId}: drift repair (${trigger}) ${status}: ${counts.pairsChecked} pairs checked, ${counts.differences} differences, ${counts.repaired} repaired, ${counts.unlinked} unlinked, ${counts.skipped} skipped; ${counts.sfdcCalls} Salesforce calls, ${counts.salesConnectCalls} Sales Connect calls${error ? `; ${error}` : ''}`;
    if (status === 'failed') this.logger.warn(line);
    else this.logger.log(line);
    return report;
  }

  private async repairBatch(
    connectionId: string,
    batch: LinkedPair[],
    sfdc: SalesforceTaskReader,
    salesConnect: ReturnType<SalesConnectClient['forUser']>,
    counts: DriftCounts,
    mode: BatchMode,
  ): Promise<ResyncReport[]> {
    const records = await readSfdcTasks(
      sfdc,
      batch.map((p) => p.sfdcTaskId),
      this.whoEmails,
    );
    counts.salesConnectCalls += 1;
    const tasks: SalesConnectTask[] = await salesConnect.listTasksByIds(batch.map((p) => p.salesConnectTaskId));
    const reads = pairReads(batch, records, this.whoEmails, tasks);
    const now = new Date().toISOString();
    // R7 exact: the readings are decided only on settings known up to now, so a disable saved while
    // they were read is seen (and nothing is written); the next pass looks again.
    if (!(await this.reconcile.settingsCover(Date.parse(now)))) {
      counts.pairsChecked += batch.length;
      counts.skipped += batch.length;
      this.pairs.inc({ outcome: 'skipped:settings-unknown' }, batch.length);
      return batch.map(() => ({ outcome: 'skipped:settings-unknown', differences: [] }));
    }

    const reports: ResyncReport[] = [];
    await this.dataSource.transaction(async (manager) => {
      reports.length = 0;
      const activity = new TaskActivityBatch();
      // The setting as decisions see it; a connection with parked changes waits for them (the next pass looks again).
      const { parked, settings } = await this.parkedChanges.connectionState(manager, connectionId);
      const decidable: Decidable[] = [];
      const unlinks: LinkedPair[] = [];
      for (const [i, pair] of batch.entries()) {
        counts.pairsChecked += 1;
        const link = { ...pair.state, salesConnectTaskId: pair.salesConnectTaskId, sfdcTaskId: pair.sfdcTaskId };
        const verdict = parked
          ? ({ verdict: 'skipped', reason: 'changes-parked' } as const)
          : compareLinkedPair(
              {
                connectionId,
                settings,
                ourOrigin: this.config.SYNC_CLIENT_NAME,
                now,
                settleMs: mode.settleMs,
                writesQueued: pair.writesQueued,
              },
              link,
              reads[i],
            );
        const report: ResyncReport =
          verdict.verdict === 'in-sync'
            ? { outcome: 'in-sync', differences: [] }
            : verdict.verdict === 'skipped'
              ? { outcome: `skipped:${verdict.reason satisfies DriftSkipReason | 'changes-parked'}`, differences: [] }
              : {
                  outcome: verdict.unlinks ? 'unlinked' : 'repaired',
                  differences: verdict.gone ? [`${verdict.gone} gone`] : verdict.fields,
                };
        reports.push(report);
        // A person's resync is on the task's timeline, whatever it found; a scheduled pass shows only through the readings it decided.
        if (mode.resyncBy !== undefined) {
          activity.recordResync(
            {
              connectionId,
              linkId: pair.id,
              salesConnectTaskId: pair.salesConnectTaskId,
              sfdcTaskId: pair.sfdcTaskId,
              subject: pair.state.fields?.title?.value ?? null,
            },
            report.outcome,
            report.differences,
            mode.resyncBy,
          );
        }
        if (verdict.verdict === 'in-sync') {
          this.pairs.inc({ outcome: 'in-sync' });
          continue;
        }
        if (verdict.verdict === 'skipped') {
          counts.skipped += 1;
          this.pairs.inc({ outcome: report.outcome });
          continue;
        }
        counts.differences += 1;
        if (verdict.unlinks) counts.unlinked += 1;
        else counts.repaired += 1;
        this.pairs.inc({ outcome: verdict.unlinks ? 'unlinked' : 'repaired' });
        this.logger.log(
          `connection ${connectionId}: drift on link ${pair.id} (${pair.sfdcTaskId} / ${pair.salesConnectTaskId}): ${verdict.gone ? `${verdict.gone} gone` : `fields ${verdict.fields.join(', ') || '(link only)'}`}; repair: ${
            verdict.repair.kind === 'unlink'
              ? 'unlink'
              : verdict.actions
                  .filter((a) => a.type !== 'link' && a.type !== 'ignore')
                  .map((a) => ('side' in a ? `${a.type}→${a.side}` : a.type))
                  .join(', ') || 'link refreshed'
          }`,
        );
        if (verdict.repair.kind === 'unlink') unlinks.push(pair);
        else
          decidable.push(...verdict.repair.changes.map((change: SyncChange) => ({ connectionId, change, settings })));
      }
      // The same path as a change that arrived: decided again on the links as this transaction locked them.
      await activity.flush(manager);
      await this.reconcile.decide(manager, decidable, mode.resyncBy !== undefined ? 'resync' : 'drift');
      if (unlinks.length > 0) await this.unlinkPairs(manager, connectionId, unlinks);
    });
    return reports;
  }

  /** Unlinks these pairs, if their links are still the ones read (a change may have ended or replaced them meanwhile). */
  private async unlinkPairs(manager: EntityManager, connectionId: string, pairs: LinkedPair[]): Promise<void> {
    const lookups = pairs.map((p) => ({
      connectionId,
      change: {
        side: 'salesconnect',
        kind: 'delete',
        taskId: p.salesConnectTaskId,
        fields: null,
        changedAt: '',
        createdAt: null,
        origin: null,
        source: 'repair',
      } satisfies SyncChange,
    }));
    const links = await this.links.lockForRun(manager, lookups);
    for (const [i, pair] of pairs.entries()) {
      const found = links.find(connectionId, lookups[i].change);
      if (found && found.id === pair.id) links.unlink(found);
    }
    await this.links.saveRun(manager, links);
  }
}
