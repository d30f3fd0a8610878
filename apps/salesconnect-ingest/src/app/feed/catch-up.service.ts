import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { SalesConnectClient } from '@task-sync/salesconnect-client';
import { APP_CONFIG, JsonLogger } from '@task-sync/util-nest';
import { ChangeHandler } from '../changes/change-handler.service';
import { FeedStateRepository } from '../changes/feed-state.repository';
import { describeError, IngestError, IngestErrorCode } from '../ingest-error';
import { IngestMetrics } from '../ingest.metrics';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';
import { ConnectionStatusReporter } from '../status/connection-status.reporter';
import { WebhookSubscriptionService } from '../webhook/webhook-subscription.service';
import { FeedCatchUp, type RoundSummary } from './feed-catch-up';

/** Feed reads: 4 attempts over about 1.75 s, then the round gives up until the next one. */
const FEED_RETRY = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 };

/** On shutdown the round in flight finishes its page, so a stored cursor is always truthful. */
@Injectable()
export class CatchUpService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly catchUp: FeedCatchUp;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SalesconnectIngestConfig,
    @Inject(SalesConnectClient) client: SalesConnectClient,
    @Inject(FeedStateRepository) state: FeedStateRepository,
    @Inject(ChangeHandler) changes: ChangeHandler,
    @Inject(ConnectionStatusReporter) private readonly reporter: ConnectionStatusReporter,
    @Inject(WebhookSubscriptionService) private readonly subscription: WebhookSubscriptionService,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
    @Inject(JsonLogger) logger: JsonLogger,
  ) {
    this.log = logger.child('feed-catch-up');
    this.catchUp = new FeedCatchUp({
      feed: client,
      state,
      changes,
      reporter,
      logger: this.log,
      pageSize: config.FEED_PAGE_SIZE,
      retry: FEED_RETRY,
    });
    // A webhook that waited the bound for an earlier change of its task: the feed has that change.
    changes.onGap(() => this.catchUpNow());
  }

  /** A round now (after the one in flight, which may have read the feed before the gap opened), then the usual schedule. */
  async catchUpNow(): Promise<void> {
    await this.running;
    if (this.stopped) return;
    if (this.running !== undefined) return this.running; // another caller started one meanwhile
    clearTimeout(this.timer);
    this.running = this.tick().finally(() => {
      this.running = undefined;
      this.schedule(this.config.FEED_POLL_INTERVAL_MS);
    });
    await this.running;
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.config.FEED_POLL_INTERVAL_MS);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    await this.ensureSubscribed();
    const started = Date.now();
    try {
      const summary = await this.catchUp.runRound(() => this.stopped);
      this.metrics.catchUpRounds.inc({ outcome: summary.kind === 'awaiting-settings' ? 'waiting_for_settings' : 'ok' });
      if (summary.kind === 'caught-up') {
        this.metrics.caughtUpAt.set(Date.now() / 1000);
        await this.reporter.reportRecovered();
      }
      this.logRound(summary, Date.now() - started);
    } catch (e) {
      this.metrics.catchUpRounds.inc({ outcome: 'failed' });
      await this.handleRoundError(e, Date.now() - started);
    }
  }

  /** Every failure keeps the cursor. */
  private async handleRoundError(e: unknown, ms: number): Promise<void> {
    // Feed and Kafka failures arrive as IngestErrors; what else can fail in a round is our PostgreSQL.
    const code = e instanceof IngestError ? e.code : IngestErrorCode.StateUnavailable;
    const message = describeError(e);
    this.log.error(
      { code, err: message, ms, retryInMs: this.config.FEED_POLL_INTERVAL_MS },
      'catch-up round failed: the cursor stays where it was',
    );
    await this.reporter.reportError(code, message);
  }

  private async ensureSubscribed(): Promise<void> {
    try {
      await this.subscription.ensureSubscribed();
    } catch (e) {
      // The catch-up still delivers every change, only later; so this is a warning, tried again next round.
      this.log.warn(
        { code: IngestErrorCode.SubscriptionFailed, err: describeError(e) },
        'could not check the webhook subscription',
      );
    }
  }

  private logRound(summary: RoundSummary, ms: number): void {
    const fields = { ...summary, ms };
    if (summary.read > 0 || summary.kind !== 'caught-up') this.log.info(fields, 'catch-up round');
    else this.log.debug(fields, 'catch-up round');
  }
}
