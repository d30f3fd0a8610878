import { readerOn, sessionHandleFor } from '../salesforce/salesforce-readers';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG, BackgroundLoop, HealthRegistry } from '@task-sync/util-nest';
import { OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import {
  ConnectorSettingsSessionClient,
  type SalesforceReads,
  SalesforceError,
  SalesforceErrorCode,
  TASKS_BY_ID_LIMIT,
} from '@task-sync/sfdc-client';
import {
  ChangeFeedError,
  ChangeFeedErrorCode,
  CometdChangeFeed,
  type ChangeFeedFailure,
  type ChangeFeedSubscription,
  type ReplayFrom,
  type TaskChangeEvent,
} from '@task-sync/sfdc-change-feed';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import { OrgPollRepository } from '../org-reads/org-poll.repository';
import { OrgReaderDirectory } from '../org-reads/org-reader.directory';
import { ApiBudget } from '../sync/api-budget';
import { OrgChangePublisher, OrgStreamLeaseLost, describeBatch } from './org-change.publisher';
import { OrgStreamRepository } from './org-stream.repository';
import { OrgStreamStatusReporter } from './org-stream-status.reporter';
import { decideStreamRecovery } from './stream-recovery';

/** A subscription that lived this long before failing starts its backoff over. */
const HEALTHY_AFTER_MS = 60_000;
/** At shutdown, how long a subscribe call in flight is waited for before the lease is let go. */
const SUBSCRIBE_WAIT_AT_SHUTDOWN_MS = 5_000;

/** One org this replica holds the lease of. */
interface OrgRun {
  orgId: string;
  reader: SalesforceReads;
  feed: CometdChangeFeed;
  /** `waiting`: until `retryAt`, then a subscribe. */
  phase: 'waiting' | 'subscribing' | 'streaming';
  retryAt: number;
  subscription: ChangeFeedSubscription | null;
  subscribing: Promise<void> | null;
  streamingSince: number;
  failuresInARow: number;
  /** What our batch handler last threw (the change feed reports it as HANDLER_FAILED). */
  handlerError?: unknown;
  /** Stopped or lost: nothing more starts for it. */
  ended: boolean;
}

/**
 * One replica per org holds a lease in PostgreSQL and subscribes from the stored replay id. The org's
 * poll is the safety net, sooner when the stream cannot deliver (down, an overflow, a replay id lost).
 */
@Injectable()
export class OrgStreamSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('sfdc-org-stream');
  /** This replica, in the lease column: host, process and a random part (a pid may come again). */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly runs = new Map<string, OrgRun>();
  private readonly supervisor: BackgroundLoop;
  private readonly leases: BackgroundLoop;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SfdcIngestConfig,
    @Inject(OrgStreamRepository) private readonly streams: OrgStreamRepository,
    @Inject(OrgChangePublisher) private readonly publisher: OrgChangePublisher,
    @Inject(ConnectorSettingsSessionClient) private readonly sessions: ConnectorSettingsSessionClient,
    @Inject(OrgReaderDirectory) private readonly readers: OrgReaderDirectory,
    @Inject(OrgPollRepository) private readonly polls: OrgPollRepository,
    @Inject(ApiBudget) private readonly budget: ApiBudget,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(OrgApiCallLedger) private readonly calls: OrgApiCallLedger,
    @Inject(OrgStreamStatusReporter) private readonly status: OrgStreamStatusReporter,
  ) {
    this.supervisor = new BackgroundLoop(
      'org stream supervisor',
      this.logger,
      () => this.supervise(),
      config.STREAM_SUPERVISE_MS,
    );
    // Leases are renewed in a loop of their own: a slow supervisor round (connector-settings) must not let them run out.
    this.leases = new BackgroundLoop(
      'org stream leases',
      this.logger,
      () => this.renewLeases(),
      Math.max(100, Math.floor(config.STREAM_LEASE_MS / 3)),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.config.ORG_STREAM_ENABLED) {
      this.logger.log('org streams are off (ORG_STREAM_ENABLED=false): every connection is read by its own polls');
      return;
    }
    this.health.register('org-streams', async () => {
      const quiet = Date.now() - Math.min(this.supervisor.lastRoundAt, this.leases.lastRoundAt);
      if (quiet > Math.max(60_000, 4 * this.config.STREAM_SUPERVISE_MS))
        throw new Error(`the org stream loops have not run for ${Math.round(quiet / 1000)} s`);
    });
    this.logger.log(`org streams on, as ${this.holder} (lease ${this.config.STREAM_LEASE_MS} ms)`);
    this.leases.start();
    this.supervisor.start();
  }

  /** SIGTERM: nothing new starts, each subscription closes (its batch in hand settles) and its lease is let go for another replica. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.supervisor.stop();
    await Promise.all([...this.runs.values()].map((run) => this.end(run, 'release', 'released at shutdown')));
    await this.leases.stop();
  }

  /** One round: stop what is no longer wanted, take the leases of what is wanted and free, subscribe what is due. */
  private async supervise(): Promise<boolean> {
    const wanted = await this.orgsToStream();
    for (const run of [...this.runs.values()]) {
      const why = wanted.get(run.orgId);
      if (why === undefined) await this.end(run, 'stop', 'no enabled connection in the org');
      else if (why !== 'stream' && why !== 'unknown') await this.end(run, 'stop', why);
    }
    for (const [orgId, why] of wanted) if (why === 'stream' && !this.runs.has(orgId)) await this.take(orgId);
    const now = Date.now();
    for (const run of this.runs.values())
      if (run.phase === 'waiting' && run.retryAt <= now) run.subscribing = this.subscribe(run);
    return false;
  }

  /** 'unknown' when connector-settings could not say: nothing is started or stopped on that. */
  private async orgsToStream(): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const orgId of await this.streams.orgsWithEnabledConnections()) {
      const verdict = await this.readers.verdict(orgId);
      wanted.set(
        orgId,
        verdict === null ? 'unknown' : verdict.reads === 'org' ? 'stream' : `read per rep: ${verdict.reason}`,
      );
    }
    return wanted;
  }

  /** Takes the org's lease if no live replica holds it. A stream left down or retrying by the last holder waits for its retry time. */
  private async take(orgId: string): Promise<void> {
    const held = await this.streams.acquireLease(orgId, this.holder, this.config.STREAM_LEASE_MS);
    if (!held) return;
    const deps = { sessions: this.sessions, config: this.config, budget: this.budget, calls: this.calls };
    const handle = sessionHandleFor({ orgId }, deps);
    const waitsUntil =
      (held.state === 'down' || held.state === 'retrying') && held.retryAt ? held.retryAt.getTime() : 0;
    this.runs.set(orgId, {
      orgId,
      reader: readerOn(handle, deps),
      feed: new CometdChangeFeed({
        sessions: handle,
        apiVersion: this.config.SALESFORCE_API_VERSION,
        gather: {
          windowMs: this.config.STREAM_GATHER_MS,
          quietMs: this.config.STREAM_QUIET_MS,
          maxBatch: TASKS_BY_ID_LIMIT,
        },
      }),
      phase: 'waiting',
      retryAt: waitsUntil,
      subscription: null,
      subscribing: null,
      streamingSince: 0,
      failuresInARow: 0,
      ended: false,
    });
    const down =
      waitsUntil > Date.now()
        ? `; it was ${held.state} (${held.stateReason}), subscribing at ${new Date(waitsUntil).toISOString()}`
        : '';
    this.logger.log(`org ${orgId}: lease taken${down}`);
  }

  private async subscribe(run: OrgRun): Promise<void> {
    if (run.ended || run.phase !== 'waiting') return;
    run.phase = 'subscribing';
    let from: ReplayFrom = 'new';
    let subscription: ChangeFeedSubscription;
    try {
      const stored = await this.streams.find(run.orgId);
      if (stored?.replayId != null) from = { afterReplayId: stored.replayId };
      subscription = await run.feed.subscribe(from, {
        onEvents: (batch) => this.onEvents(run, batch),
        onFailure: (failure) => void this.recover(run, failure),
      });
    } catch (e) {
      const failure =
        e instanceof ChangeFeedError
          ? e
          : new ChangeFeedError(ChangeFeedErrorCode.Unexpected, `subscribing failed: ${(e as Error).message}`, {
              cause: e,
            });
      await this.recover(run, failure);
      return;
    }
    if (run.ended) {
      await subscription.close();
      return;
    }
    Object.assign(run, { subscription, phase: 'streaming', streamingSince: Date.now() });
    const where = from === 'new' ? 'with new events only (no stored replay id)' : `from replay ${from.afterReplayId}`;
    this.logger.log(`org ${run.orgId}: stream started ${where}`);
    await this.streams
      .markStreaming(run.orgId, this.holder, `subscribed ${where}`)
      .catch((e: Error) => this.logger.warn(`org ${run.orgId}: state not stored: ${e.message}`));
    await this.status.report(run.orgId, { state: 'streaming', reason: `subscribed ${where}` });
  }

  private async onEvents(run: OrgRun, batch: TaskChangeEvent[]): Promise<void> {
    try {
      const result = await this.publisher.publishBatch(run.orgId, this.holder, run.reader, batch);
      run.failuresInARow = 0;
      for (const u of result.unmappable)
        this.logger.error(`connection ${u.connectionId}: task ${u.taskId} not published: ${u.reason}`);
      this.logger.log(describeBatch(run.orgId, result));
      // Over 100,000 changes in one transaction: no event names them, the org poll reads them now.
      if (result.overflows > 0) await this.pollSoon(run.orgId, 0, 'a GAP_OVERFLOW event');
    } catch (e) {
      run.handlerError = e;
      const why =
        e instanceof OrgStreamLeaseLost
          ? e.message
          : `${batch.length} events from replay ${batch[0]?.replayId} not handed to Kafka (${(e as Error).message}); they will come again`;
      this.logger.warn(e instanceof OrgStreamLeaseLost ? why : `org ${run.orgId}: ${why}`);
      throw e;
    }
  }

  /** The stream ended (or never started): the failure's code says what next (`decideStreamRecovery`). */
  private async recover(run: OrgRun, failure: ChangeFeedFailure): Promise<void> {
    const handlerError = run.handlerError;
    Object.assign(run, { subscription: null, phase: 'waiting', handlerError: undefined });
    if (run.ended) return;
    if (handlerError instanceof OrgStreamLeaseLost) {
      await this.end(run, 'lost', handlerError.message);
      return;
    }
    if (run.streamingSince > 0 && Date.now() - run.streamingSince > HEALTHY_AFTER_MS) run.failuresInARow = 0;
    const recovery = decideStreamRecovery(failure, {
      failuresInARow: run.failuresInARow,
      pauseMs: this.config.PAUSE_RECHECK_MS,
      handlerError,
    });
    run.failuresInARow += 1;
    if (handlerError instanceof SalesforceError && handlerError.code === SalesforceErrorCode.ApiLimitExceeded)
      this.budget.exhausted(run.orgId);
    if (failure.code === ChangeFeedErrorCode.AuthFailed) this.readers.forget(run.orgId);
    const { orgId } = run;
    try {
      switch (recovery.action) {
        case 'resubscribe':
          run.retryAt = Date.now() + recovery.delayMs;
          this.logger.warn(
            `org ${orgId}: stream ended (${recovery.reason}); subscribing again from the stored replay id in ${recovery.delayMs} ms`,
          );
          await this.streams.markRetrying(orgId, this.holder, recovery.reason, new Date(run.retryAt));
          await this.status.report(orgId, {
            state: 'retrying',
            reason: recovery.reason,
            pollEveryMs: this.config.ORG_POLL_DOWN_INTERVAL_MS,
            retryAt: new Date(run.retryAt).toISOString(),
          });
          // Nothing is lost (the replay id resumes it); the org poll only runs at its down pace meanwhile.
          await this.pollSoon(orgId, this.config.ORG_POLL_DOWN_INTERVAL_MS, 'the stream is retrying');
          break;
        case 'resubscribe-new':
          run.retryAt = Date.now();
          this.logger.warn(
            `org ${orgId}: the stored replay id is past Salesforce's retention (${recovery.reason}); subscribing to new events only, the org poll reads what was missed`,
          );
          await this.streams.markReplayLost(orgId, this.holder, recovery.reason);
          await this.pollSoon(orgId, 0, 'the replay id was lost');
          break;
        case 'pause':
          run.retryAt = Date.now() + recovery.delayMs;
          this.logger.warn(
            `org ${orgId}: stream down (${recovery.reason}); the org poll reads it every ${this.config.ORG_POLL_DOWN_INTERVAL_MS} ms; trying again at ${new Date(run.retryAt).toISOString()}`,
          );
          await this.streams.markDown(orgId, this.holder, recovery.reason, new Date(run.retryAt));
          await this.status.report(orgId, {
            state: 'down',
            reason: recovery.reason,
            pollEveryMs: this.config.ORG_POLL_DOWN_INTERVAL_MS,
            retryAt: new Date(run.retryAt).toISOString(),
          });
          await this.pollSoon(orgId, 0, 'the stream is down');
          break;
        case 'skip-event':
          run.retryAt = Date.now();
          this.logger.error(
            `org ${orgId}: an event that does not decode, at replay ${recovery.replayId ?? 'unknown'} (${recovery.reason}); skipped, the org poll reads its records`,
          );
          if (recovery.replayId !== null)
            await this.streams.markReplaySkipped(orgId, this.holder, recovery.replayId, recovery.reason);
          await this.pollSoon(orgId, 0, 'an event was skipped');
          break;
      }
    } catch (e) {
      this.logger.error(`org ${orgId}: the stream's state was not stored (${(e as Error).message})`);
    }
  }

  /** The org poll runs within `withinMs` (it reads what the stream could not deliver). */
  private async pollSoon(orgId: string, withinMs: number, why: string): Promise<void> {
    if (!this.config.ORG_READS_ENABLED) return;
    await this.polls
      .pollWithin(orgId, withinMs)
      .catch((e: Error) =>
        this.logger.warn(
          `org ${orgId}: the org poll was not brought forward after ${why} (${e.message}); it runs at its next time`,
        ),
      );
  }

  /** Renews this replica's leases; a stream whose lease was taken over (or could not be renewed) stops at once. */
  private async renewLeases(): Promise<boolean> {
    const orgIds = [...this.runs.keys()];
    if (orgIds.length === 0) return false;
    let still = new Set<string>();
    try {
      still = await this.streams.renewLeases(this.holder, orgIds, this.config.STREAM_LEASE_MS);
    } catch (e) {
      this.logger.error(
        `org stream leases not renewed (${(e as Error).message}): stopping the streams, so no org is ever streamed twice`,
      );
    }
    for (const orgId of orgIds) {
      const run = this.runs.get(orgId);
      if (run && !still.has(orgId)) await this.end(run, 'lost', 'its lease could not be renewed');
    }
    return false;
  }

  /**
   * Ends a run: the subscription closes (its batch in hand settles first). `release` (shutdown)
   * lets the lease go, `stop` marks the org stopped (no stream wanted), `lost` writes nothing (another replica holds it).
   */
  private async end(run: OrgRun, how: 'release' | 'stop' | 'lost', reason: string): Promise<void> {
    if (run.ended) return;
    run.ended = true;
    if (this.runs.get(run.orgId) === run) this.runs.delete(run.orgId);
    if (run.subscribing)
      await Promise.race([
        run.subscribing,
        new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_WAIT_AT_SHUTDOWN_MS).unref()),
      ]);
    const subscription = run.subscription;
    run.subscription = null;
    await subscription
      ?.close()
      .catch((e: Error) => this.logger.warn(`org ${run.orgId}: closing the subscription: ${e.message}`));
    try {
      if (how === 'release') await this.streams.releaseLease(run.orgId, this.holder, reason);
      if (how === 'stop') {
        await this.streams.markStopped(run.orgId, this.holder, reason);
        await this.status.report(run.orgId, { state: 'stopped', reason });
      }
    } catch (e) {
      this.logger.error(
        `org ${run.orgId}: the lease was not let go (${(e as Error).message}); it runs out in ${this.config.STREAM_LEASE_MS} ms`,
      );
    }
    this.logger[how === 'lost' ? 'warn' : 'log'](`org ${run.orgId}: stream stopped: ${reason}`);
  }
}
