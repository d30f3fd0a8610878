import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, BackgroundLoop, HealthRegistry, StatusReporter } from '@task-sync/util-nest';
import { OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { ConnectorSettingsSessionClient } from '@task-sync/sfdc-client';
import { LATE_CHANGE_AFTER_DISABLE_MS } from '@task-sync/sync-rules';
import { readerOn, sessionHandleFor, type SalesforceReader } from '../salesforce/salesforce-reader';
import { SfdcIngestError, SfdcIngestErrorCode, classifySalesforceError, connectionStateOf } from '../salesforce/sfdc-ingest-error';
import { floorToMinute } from '../salesforce/soql';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import { ApiBudget } from './api-budget';
import { ConnectionSyncRunner, type StepOutcome } from './connection-sync.runner';

import { ORG_READS_STALE_MS } from '../org-reads/org-poll.repository';
import { perRepPollDelayMs } from '../org-reads/read-plan';
import { SfdcSyncStateEntity } from './sync-state.entity';
import { withLeaseRenewed } from './read-lease';

/** A loop that has not gone round for this long is reported not live. */
const STALE_LOOP_MS = 5 * 60_000;

/**
 * The read loop. Each round it (1) starts an import for every enable it has not served yet, from
 * the settings projection, (2) leases the connections that are due, oldest due first, and runs one
 * step of each. Disabled connections are never leased (R7). Steps end by saying when to run next.
 */
/** A connection leased for a step, and when it was disabled if it was (its final poll). */
interface LeasedConnection {
  state: SfdcSyncStateEntity;
  disabledAt: number | null;
}

/**
 * Enabled, or disabled in the last LATE_CHANGE_AFTER_DISABLE_MS ($5) while live and not yet polled
 * through the disable plus the look-back ($6): one final poll reads what the rep changed before the
 * disable (R7 exact: nothing made before it is lost; the rules drop what was made after).
 */
const FINAL_POLL_OR_ENABLED = `(c.enabled OR (s.stage = 'live' AND c.changed_at > $1::timestamptz - $5::int * interval '1 millisecond'
  AND (s.polled_through IS NULL OR s.polled_through < c.changed_at + $6::int * interval '1 millisecond')))`;

@Injectable()
export class IngestSchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('sfdc-scheduler');
  private readonly readers = new Map<string, SalesforceReader>();
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: SfdcIngestConfig,
    @Inject(ConnectionSyncRunner) private readonly runner: ConnectionSyncRunner,
    @Inject(StatusReporter) private readonly status: StatusReporter,
    @Inject(ApiBudget) private readonly budget: ApiBudget,
    @Inject(ConnectorSettingsSessionClient) private readonly sessions: ConnectorSettingsSessionClient,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(OrgApiCallLedger) private readonly calls: OrgApiCallLedger,
  ) {
    this.loop = new BackgroundLoop('read loop', this.logger, () => this.round(), config.SCHEDULER_TICK_MS);
  }

  onApplicationBootstrap(): void {
    this.health.register('scheduler', async () => {
      // A loop that stopped going round is not ready (a stuck step holds it for at most the lease).
      if (Date.now() - this.loop.lastRoundAt > STALE_LOOP_MS) throw new Error('the read loop has not run for five minutes');
    });
    this.loop.start();
  }

  /** SIGTERM: the steps in flight finish (their positions are saved after Kafka's ack), then nothing new starts. */
  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One round: new enables, then one step of each due connection. */
  private async round(): Promise<boolean> {
    await this.startNewEnables();
    const due = await this.leaseDue(this.config.SCHEDULER_CONCURRENCY);
    await Promise.all(due.map(({ state, disabledAt }) => this.runOne(state, disabledAt)));
    return due.length > 0;
  }

  /** Every enable not served yet (first or re-enable) starts an import; watermarks start at the enable (R7: nothing from the disabled time is replayed). */
  private async startNewEnables(): Promise<void> {
    const enables: { connection_id: string; kind: 'first-enable' | 're-enable'; changed_at: Date }[] = await this.dataSource.query(`
      SELECT c.connection_id, e.kind, e.changed_at
      FROM connection_setting c
      JOIN LATERAL (
        SELECT h.kind, h.changed_at FROM connection_setting_change h
        WHERE h.connection_id = c.connection_id AND h.kind <> 'disable'
        ORDER BY h.changed_at DESC LIMIT 1
      ) e ON true
      LEFT JOIN sfdc_sync_state s ON s.connection_id = c.connection_id
      WHERE c.enabled AND (s.connection_id IS NULL OR s.enable_at <> e.changed_at)`);
    for (const enable of enables) {
      const at = enable.changed_at;
      await this.dataSource.query(
        `INSERT INTO sfdc_sync_state AS s (connection_id, enable_at, enable_kind, stage, changes_watermark, deletes_watermark, next_run_at)
         VALUES ($1, $2, $3, 'import', $2, $4, $5)
         ON CONFLICT (connection_id) DO UPDATE SET
           enable_at = EXCLUDED.enable_at, enable_kind = EXCLUDED.enable_kind, stage = 'import',
           import_after_stamp = NULL, import_after_id = NULL, import_found = NULL, import_imported = 0, import_failed = 0,
           changes_watermark = EXCLUDED.changes_watermark, poll_from = NULL, poll_after_stamp = NULL, poll_after_id = NULL,
           deletes_watermark = EXCLUDED.deletes_watermark, audited_at = NULL, idle_polls = 0,
           next_run_at = EXCLUDED.next_run_at, paused_reason = NULL, polled_through = NULL`,
        [enable.connection_id, at, enable.kind, new Date(floorToMinute(at.getTime())), new Date()],
      );
      this.readers.delete(enable.connection_id);
      this.status.forget(enable.connection_id);
      this.logger.log(`connection ${enable.connection_id}: ${enable.kind} at ${at.toISOString()}; importing`);
      await this.status.report(enable.connection_id, { state: 'importing', import: { enableAt: at.toISOString(), found: 0, imported: 0, failed: 0, done: false } });
    }
  }

  /**
   * Leases due connections (a replica works on a connection only while it holds the lease), oldest
   * due first. A live connection of an org read once (`sfdc_org_poll`, told recently) is the org
   * poll's: only its import and its re-enable's deletes run here.
   */
  private async leaseDue(limit: number): Promise<LeasedConnection[]> {
    const now = new Date();
    const rows: { connection_id: string; disabled_at: Date | null }[] = await this.dataSource.query(
      // As a CTE, so the driver answers rows (a bare UPDATE … RETURNING answers [rows, count]).
      `WITH leased AS (
         UPDATE sfdc_sync_state SET lease_until = $3
         WHERE connection_id IN (
           SELECT s.connection_id FROM sfdc_sync_state s JOIN connection_setting c ON c.connection_id = s.connection_id
           WHERE ${FINAL_POLL_OR_ENABLED} AND s.next_run_at <= $1 AND (s.lease_until IS NULL OR s.lease_until < $1)
             AND NOT (s.stage = 'live' AND EXISTS (
               SELECT 1 FROM sfdc_org_poll p WHERE p.org_id = c.sfdc_org_id AND p.reads = 'org' AND p.checked_at >= $1::timestamptz - $4::int * interval '1 millisecond'))
           ORDER BY s.next_run_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED)
         RETURNING connection_id)
       SELECT l.connection_id, CASE WHEN c.enabled THEN NULL ELSE c.changed_at END AS disabled_at
         FROM leased l JOIN connection_setting c ON c.connection_id = l.connection_id`,
      [now, limit, new Date(now.getTime() + this.config.READ_LEASE_MS), ORG_READS_STALE_MS, LATE_CHANGE_AFTER_DISABLE_MS, this.config.POLL_LOOKBACK_MS],
    );
    if (rows.length === 0) return [];
    const states = await this.dataSource.getRepository(SfdcSyncStateEntity).findBy(rows.map((r) => ({ connectionId: r.connection_id })));
    const disabledAt = new Map(rows.map((r) => [r.connection_id, r.disabled_at?.getTime() ?? null]));
    return states.map((state) => ({ state, disabledAt: disabledAt.get(state.connectionId) ?? null }));
  }

  private async runOne(state: SfdcSyncStateEntity, disabledAt: number | null): Promise<void> {
    let nextRunAt: number;
    let pausedReason: string | null = null;
    let idlePolls = state.idlePolls;
    try {
      const outcome: StepOutcome = await withLeaseRenewed(
        this.config.READ_LEASE_MS,
        () => this.dataSource.query(`UPDATE sfdc_sync_state SET lease_until = $2 WHERE connection_id = $1 AND lease_until IS NOT NULL`, [state.connectionId, new Date(Date.now() + this.config.READ_LEASE_MS)]),
        () => this.runner.runStep(state, this.readerFor(state.connectionId), disabledAt),
        (e) => this.logger.warn(`connection ${state.connectionId}: could not renew the read lease (${(e as Error).message})`),
      );
      idlePolls = outcome === 'idle' ? state.idlePolls + 1 : outcome === 'continue' ? state.idlePolls : 0;
      // An idle rep's polls space out (perRepPollDelayMs); the wait before this one counts from its last idle poll.
      const wait = outcome === 'continue' ? 0 : perRepPollDelayMs(outcome === 'idle' ? state.idlePolls : 0, this.config.POLL_INTERVAL_MS, this.config.POLL_IDLE_MAX_INTERVAL_MS);
      nextRunAt = Date.now() + wait;
      if (state.pausedReason) this.logger.log(`connection ${state.connectionId}: resumed after ${state.pausedReason}`);
    } catch (e) {
      const failure = e instanceof SfdcIngestError ? e : classifySalesforceError(e);
      if (!(e instanceof SfdcIngestError)) this.logger.error(`connection ${state.connectionId}: step failed: ${(e as Error).stack ?? e}`);
      if (disabledAt === null) ({ nextRunAt, pausedReason } = await this.handleFailure(state, failure));
      else {
        // Sync is off: the user sees "off", not this read's trouble; the final poll tries again within its window.
        this.logger.warn(`connection ${state.connectionId}: final poll after the disable failed (${failure.code}: ${failure.message}); trying again`);
        nextRunAt = Date.now() + Math.min(this.config.POLL_INTERVAL_MS, 60_000);
      }
    }
    await this.dataSource.query(`UPDATE sfdc_sync_state SET next_run_at = $2, paused_reason = $3, idle_polls = $4, lease_until = NULL WHERE connection_id = $1`, [
      state.connectionId,
      new Date(nextRunAt),
      pausedReason,
      idlePolls,
    ]);
  }

  /** The error code decides: pause (budget, limit, lost grant) or try again at the next poll; either way the user sees it. */
  private async handleFailure(state: SfdcSyncStateEntity, failure: SfdcIngestError): Promise<{ nextRunAt: number; pausedReason: string | null }> {
    const reader = this.readers.get(state.connectionId);
    const orgId = reader ? await reader.identity().then((i) => i.orgId, () => undefined) : undefined;
    if (failure.code === SfdcIngestErrorCode.ApiLimitExceeded && orgId) this.budget.exhausted(orgId);
    // The next step asks connector-settings for a session again: refused while the grant is gone or the preflight fails.
    if (failure.code === SfdcIngestErrorCode.Unauthorized || failure.code === SfdcIngestErrorCode.SetupIncomplete || failure.code === SfdcIngestErrorCode.ConnectionGone) {
      this.readers.delete(state.connectionId);
    }
    const apiUsage = orgId ? this.budget.usageOf(orgId) : undefined;
    const stateName = connectionStateOf(failure.code);
    const level = failure.handling === 'pause' ? 'warn' : 'error';
    this.logger[level](`connection ${state.connectionId}: ${failure.code}: ${failure.message}; ${failure.handling === 'pause' ? 'paused' : 'retrying at the next poll'}`);
    await this.status.report(state.connectionId, { state: stateName, error: { code: failure.code, message: failure.message }, ...(apiUsage ? { apiUsage } : {}) });
    if (failure.handling === 'pause') {
      const until = (orgId && this.budget.pausedUntil(orgId)) || Date.now() + this.config.PAUSE_RECHECK_MS;
      return { nextRunAt: Math.max(until, Date.now() + this.config.SCHEDULER_TICK_MS), pausedReason: failure.code };
    }
    return { nextRunAt: Date.now() + Math.min(this.config.POLL_INTERVAL_MS, 60_000), pausedReason: null };
  }

  private readerFor(connectionId: string): SalesforceReader {
    let reader = this.readers.get(connectionId);
    if (!reader) {
      const deps = { sessions: this.sessions, config: this.config, budget: this.budget, calls: this.calls };
      reader = readerOn(sessionHandleFor({ connectionId }, deps), deps);
      this.readers.set(connectionId, reader);
    }
    return reader;
  }
}
