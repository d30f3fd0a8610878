import { readerOn, sessionHandleFor } from '../salesforce/salesforce-readers';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, BackgroundLoop, HealthRegistry, StatusReporter } from '@task-sync/util-nest';
import { OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { ConnectorSettingsSessionClient, type SalesforceReads } from '@task-sync/sfdc-client';
import { handleReadFailure, type ReadFailurePlan } from '../salesforce/read-failure.handler';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import { OrgStreamRepository } from '../stream/org-stream.repository';
import { ApiBudget } from '../sync/api-budget';
import { ORG_READS_STALE_MS, OrgPollRepository, type LeasedOrgPoll, type OrgPollTarget } from './org-poll.repository';
import { OrgPollRunner } from './org-poll.runner';
import { OrgReaderDirectory } from './org-reader.directory';
import { orgPollDelayMs } from './read-plan';
import { withLeaseRenewed } from '../sync/read-lease';

/** A loop that has not gone round for this long is reported not live. */
const STALE_LOOP_MS = 5 * 60_000;

/** An org whose reader is refused goes back to per-rep polls at once, from the watermarks the org poll kept. */
@Injectable()
export class OrgReadScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('sfdc-org-poll');
  private readonly loop: BackgroundLoop;
  private readonly readers = new Map<string, SalesforceReads>();
  private verdictsToldAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SfdcIngestConfig,
    @Inject(OrgPollRepository) private readonly polls: OrgPollRepository,
    @Inject(OrgPollRunner) private readonly runner: OrgPollRunner,
    @Inject(OrgStreamRepository) private readonly streams: OrgStreamRepository,
    @Inject(OrgReaderDirectory) private readonly directory: OrgReaderDirectory,
    @Inject(ConnectorSettingsSessionClient) private readonly sessions: ConnectorSettingsSessionClient,
    @Inject(StatusReporter) private readonly status: StatusReporter,
    @Inject(ApiBudget) private readonly budget: ApiBudget,
    @Inject(OrgApiCallLedger) private readonly calls: OrgApiCallLedger,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {
    this.loop = new BackgroundLoop('org poll loop', this.logger, () => this.round(), config.SCHEDULER_TICK_MS);
  }

  onApplicationBootstrap(): void {
    if (!this.config.ORG_READS_ENABLED) {
      this.logger.log('org reads are off (ORG_READS_ENABLED=false): every connection is read by its own polls');
      return;
    }
    this.health.register('org-poll', async () => {
      if (Date.now() - this.loop.lastRoundAt > STALE_LOOP_MS)
        throw new Error('the org poll loop has not run for five minutes');
    });
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async round(): Promise<boolean> {
    // Told at least every half of the staleness bound, so a live replica's verdict never lapses.
    if (Date.now() - this.verdictsToldAt >= Math.min(this.config.ORG_READER_CHECK_MS, ORG_READS_STALE_MS / 2))
      await this.tellVerdicts();
    const due = await this.polls.leaseDue(this.config.SCHEDULER_CONCURRENCY, this.config.READ_LEASE_MS);
    await Promise.all(due.map((org) => this.runOne(org)));
    return due.length > 0;
  }

  /** Each org with an enabled connection: how it is read now, as its reader's verdict says. */
  private async tellVerdicts(): Promise<void> {
    for (const orgId of await this.streams.orgsWithEnabledConnections()) {
      const verdict = await this.directory.verdict(orgId);
      if (verdict === null) continue;
      const before = await this.polls.recordReads(orgId, verdict.reads, verdict.reason);
      if (before !== verdict.reads && verdict.reads === 'org')
        this.logger.log(`org ${orgId}: ${verdict.reason}; its live connections' own polls stop`);
      if (before === 'org' && verdict.reads === 'per-rep')
        this.logger.warn(`org ${orgId}: read per rep again (${verdict.reason})`);
    }
    this.verdictsToldAt = Date.now();
  }

  private async runOne(org: LeasedOrgPoll): Promise<void> {
    let nextRunAt = Date.now();
    let pausedReason: string | null = null;
    let targets: OrgPollTarget[] = [];
    try {
      const step = await withLeaseRenewed(
        this.config.READ_LEASE_MS,
        () => this.polls.renewLease(org.orgId, this.config.READ_LEASE_MS),
        () => this.runner.runStep(org, this.readerFor(org.orgId)),
        (e) => this.logger.warn(`org ${org.orgId}: could not renew the poll lease (${(e as Error).message})`),
      );
      targets = step.targets;
      if (!step.more) {
        const healthy = this.config.ORG_STREAM_ENABLED && (await this.polls.streamHealthy(org.orgId));
        nextRunAt =
          Date.now() +
          orgPollDelayMs(healthy, {
            healthyMs: this.config.ORG_POLL_INTERVAL_MS,
            downMs: this.config.ORG_POLL_DOWN_INTERVAL_MS,
          });
        if (org.pausedReason) this.logger.log(`org ${org.orgId}: poll resumed after ${org.pausedReason}`);
        const apiUsage = this.readers.get(org.orgId)?.lastApiUsage();
        for (const t of targets)
          await this.status.report(t.connectionId, {
            state: 'syncing',
            lastSyncedAt: new Date().toISOString(),
            ...(apiUsage ? { apiUsage } : {}),
          });
      }
    } catch (e) {
      const plan = handleReadFailure(e);
      if (plan.unexpected) this.logger.error(`org ${org.orgId}: poll step failed: ${(e as Error).stack ?? e}`);
      ({ nextRunAt, pausedReason } = await this.handleFailure(
        org,
        plan,
        targets.length > 0 ? targets : await this.polls.targetsOf(org.orgId).catch(() => []),
      ));
    }
    await this.polls.release(org.orgId, nextRunAt, pausedReason);
  }

  private async handleFailure(
    org: LeasedOrgPoll,
    plan: ReadFailurePlan,
    targets: OrgPollTarget[],
  ): Promise<{ nextRunAt: number; pausedReason: string | null }> {
    const { orgId } = org;
    const { failure } = plan;
    if (plan.readerRefused) {
      this.readers.delete(orgId);
      this.directory.forget(orgId);
      this.logger.warn(
        `org ${orgId}: the org reader was refused (${failure.code}: ${failure.message}); its connections are read by their own polls until it is connected again`,
      );
      await this.polls.recordReads(orgId, 'per-rep', `the org reader was refused: ${failure.message}`);
      return { nextRunAt: Date.now() + this.config.PAUSE_RECHECK_MS, pausedReason: null };
    }
    if (plan.orgLimitReached) this.budget.exhausted(orgId);
    const apiUsage = this.budget.usageOf(orgId);
    const { pause: paused, state } = plan;
    this.logger[paused ? 'warn' : 'error'](
      `org ${orgId}: ${failure.code}: ${failure.message}; ${paused ? 'paused' : `polling again in ${this.config.ORG_POLL_DOWN_INTERVAL_MS} ms`}`,
    );
    for (const t of targets)
      await this.status.report(t.connectionId, {
        state,
        error: { code: failure.code, message: failure.message },
        ...(apiUsage ? { apiUsage } : {}),
      });
    if (paused) {
      const until = this.budget.pausedUntil(orgId) ?? Date.now() + this.config.PAUSE_RECHECK_MS;
      return { nextRunAt: Math.max(until, Date.now() + this.config.SCHEDULER_TICK_MS), pausedReason: failure.code };
    }
    return { nextRunAt: Date.now() + this.config.ORG_POLL_DOWN_INTERVAL_MS, pausedReason: null };
  }

  private readerFor(orgId: string): SalesforceReads {
    let reader = this.readers.get(orgId);
    if (!reader) {
      const deps = { sessions: this.sessions, config: this.config, budget: this.budget, calls: this.calls };
      reader = readerOn(sessionHandleFor({ orgId }, deps), deps);
      this.readers.set(orgId, reader);
    }
    return reader;
  }
}
