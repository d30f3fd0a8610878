import { readerOn, sessionHandleFor } from '../salesforce/salesforce-readers';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, BackgroundLoop, HealthRegistry, StatusReporter } from '@task-sync/util-nest';
import { OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { ConnectorSettingsSessionClient, floorToMinute, type SalesforceReads } from '@task-sync/sfdc-client';
import { handleReadFailure, type ReadFailurePlan } from '../salesforce/read-failure.handler';
import { idlePollsAfter, LATE_CHANGE_AFTER_DISABLE_MS } from '@task-sync/sync-rules';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import { ApiBudget } from './api-budget';
import { ConnectionSyncRunner, type StepOutcome } from './connection-sync.runner';
import { ORG_READS_STALE_MS } from '../org-reads/org-poll.repository';
import { perRepPollDelayMs } from '../org-reads/read-plan';
import type { SfdcSyncState } from './sync-state';
import { SfdcSyncStateRepository, type LeasedConnection } from './sync-state.repository';
import { withLeaseRenewed } from './read-lease';

/** A loop that has not gone round for this long is reported not live. */
const STALE_LOOP_MS = 5 * 60_000;

@Injectable()
export class IngestSchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('sfdc-scheduler');
  private readonly readers = new Map<string, SalesforceReads>();
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(SfdcSyncStateRepository) private readonly states: SfdcSyncStateRepository,
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
      if (Date.now() - this.loop.lastRoundAt > STALE_LOOP_MS)
        throw new Error('the read loop has not run for five minutes');
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
    for (const enable of await this.states.pendingEnables()) {
      await this.states.startEnable(enable, new Date(floorToMinute(enable.at.getTime())), new Date());
      this.readers.delete(enable.connectionId);
      this.status.forget(enable.connectionId);
      this.logger.log(`connection ${enable.connectionId}: ${enable.kind} at ${enable.at.toISOString()}; importing`);
      await this.status.report(enable.connectionId, {
        state: 'importing',
        import: { enableAt: enable.at.toISOString(), found: 0, imported: 0, failed: 0, done: false },
      });
    }
  }

  private leaseDue(limit: number): Promise<LeasedConnection[]> {
    return this.states.leaseDue({
      now: new Date(),
      limit,
      leaseMs: this.config.READ_LEASE_MS,
      orgReadsStaleMs: ORG_READS_STALE_MS,
      lateChangeAfterDisableMs: LATE_CHANGE_AFTER_DISABLE_MS,
      pollLookbackMs: this.config.POLL_LOOKBACK_MS,
    });
  }

  private async runOne(state: SfdcSyncState, disabledAt: number | null): Promise<void> {
    let nextRunAt: number;
    let pausedReason: string | null = null;
    let idlePolls = state.idlePolls;
    try {
      const outcome: StepOutcome = await withLeaseRenewed(
        this.config.READ_LEASE_MS,
        () => this.states.renewLease(state.connectionId, new Date(Date.now() + this.config.READ_LEASE_MS)),
        () => this.runner.runStep(state, this.readerFor(state.connectionId), disabledAt),
        (e) =>
          this.logger.warn(
            `connection ${state.connectionId}: could not renew the read lease (${(e as Error).message})`,
          ),
      );
      idlePolls = idlePollsAfter(outcome, state.idlePolls);
      // An idle rep's polls space out (perRepPollDelayMs); the wait before this one counts from its last idle poll.
      const wait =
        outcome === 'continue'
          ? 0
          : perRepPollDelayMs(
              outcome === 'idle' ? state.idlePolls : 0,
              this.config.POLL_INTERVAL_MS,
              this.config.POLL_IDLE_MAX_INTERVAL_MS,
            );
      nextRunAt = Date.now() + wait;
      if (state.pausedReason) this.logger.log(`connection ${state.connectionId}: resumed after ${state.pausedReason}`);
    } catch (e) {
      const plan = handleReadFailure(e);
      const { failure } = plan;
      if (plan.unexpected)
        this.logger.error(`connection ${state.connectionId}: step failed: ${(e as Error).stack ?? e}`);
      if (disabledAt === null) ({ nextRunAt, pausedReason } = await this.handleFailure(state, plan));
      else {
        // Sync is off: the user sees "off", not this read's trouble; the final poll tries again within its window.
        this.logger.warn(
          `connection ${state.connectionId}: final poll after the disable failed (${failure.code}: ${failure.message}); trying again`,
        );
        nextRunAt = Date.now() + Math.min(this.config.POLL_INTERVAL_MS, 60_000);
      }
    }
    await this.states.scheduleNext(state.connectionId, { runAt: new Date(nextRunAt), pausedReason, idlePolls });
  }

  /** The error code decides: pause (budget, limit, lost grant) or try again at the next poll; either way the user sees it. */
  private async handleFailure(
    state: SfdcSyncState,
    plan: ReadFailurePlan,
  ): Promise<{ nextRunAt: number; pausedReason: string | null }> {
    const { failure } = plan;
    const reader = this.readers.get(state.connectionId);
    const orgId = reader
      ? await reader.identity().then(
          (i) => i.orgId,
          () => undefined,
        )
      : undefined;
    if (plan.orgLimitReached && orgId) this.budget.exhausted(orgId);
    // The next step asks connector-settings for a session again: refused while the grant is gone or the preflight fails.
    if (plan.sessionRefused) this.readers.delete(state.connectionId);
    const apiUsage = orgId ? this.budget.usageOf(orgId) : undefined;
    this.logger[plan.pause ? 'warn' : 'error'](
      `connection ${state.connectionId}: ${failure.code}: ${failure.message}; ${plan.pause ? 'paused' : 'retrying at the next poll'}`,
    );
    await this.status.report(state.connectionId, {
      state: plan.state,
      error: { code: failure.code, message: failure.message },
      ...(apiUsage ? { apiUsage } : {}),
    });
    if (plan.pause) {
      const until = (orgId && this.budget.pausedUntil(orgId)) || Date.now() + this.config.PAUSE_RECHECK_MS;
      return { nextRunAt: Math.max(until, Date.now() + this.config.SCHEDULER_TICK_MS), pausedReason: failure.code };
    }
    return { nextRunAt: Date.now() + Math.min(this.config.POLL_INTERVAL_MS, 60_000), pausedReason: null };
  }

  private readerFor(connectionId: string): SalesforceReads {
    let reader = this.readers.get(connectionId);
    if (!reader) {
      const deps = { sessions: this.sessions, config: this.config, budget: this.budget, calls: this.calls };
      reader = readerOn(sessionHandleFor({ connectionId }, deps), deps);
      this.readers.set(connectionId, reader);
    }
    return reader;
  }
}
