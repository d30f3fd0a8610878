import type { Logger } from 'pino';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { KafkaPublisher, MetricsService } from '@task-sync/util-nest';
import { outboxMessages } from './outbox-message.repository';
import { OUTBOX_CHANNEL } from './outbox';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  publisher: KafkaPublisher;
  metrics: MetricsService;
  logger: Logger;
  pollIntervalMs: number;
  batchSize: number;
}

/**
 * Publishes committed outbox rows in id order. Rows are locked (SKIP LOCKED, so two replicas share
 * the work), sent, and marked published in the same transaction only after Kafka acknowledged them.
 * A crash after the send and before the mark re-sends the rows: consumers de-duplicate by event id.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** A commit notified while a round ran: run again at once. */
  private woken = false;
  private listener?: PoolClient;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
    void this.listen();
  }

  /** Waits for the batch in flight, so a shutdown never leaves a half-marked batch behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.listener?.release();
    this.listener = undefined;
    await this.running;
  }

  /**
   * Rows go out as soon as their transaction commits (a disable reaches the services in
   * milliseconds, R7); the poll stays as the safety net for a lost notification or connection.
   */
  private async listen(): Promise<void> {
    try {
      const pool = (this.options.dataSource.driver as unknown as { master: Pool }).master;
      const client = await pool.connect();
      if (this.stopped) {
        client.release();
        return;
      }
      client.on('notification', () => this.wake());
      client.on('error', (e) => {
        this.options.logger.warn(
          { err: e },
          'outbox relay lost its notification connection: polling only until restart',
        );
        if (this.listener === client) this.listener = undefined;
        client.release(e);
      });
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (e) {
      this.options.logger.warn({ err: e }, 'outbox relay cannot listen for commits: polling only');
    }
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.woken = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Publishes until the outbox is empty; returns how many rows went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.publishBatch();
      total += sent;
      if (sent < this.options.batchSize) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let delay = this.options.pollIntervalMs;
    this.woken = false;
    try {
      const sent = await this.drain();
      if (sent > 0) this.options.logger.info({ published: sent }, 'outbox published');
      await this.refreshPendingGauge();
      if (this.woken) delay = 0;
    } catch (e) {
      // The rows stay unpublished and are tried again; back off so a Kafka outage is not hammered.
      delay = Math.min(this.options.pollIntervalMs * 10, 10_000);
      this.options.logger.warn({ err: e, retryInMs: delay }, 'outbox publish failed: will retry');
    }
    this.schedule(delay);
  }

  private async publishBatch(): Promise<number> {
    const { dataSource, publisher, batchSize } = this.options;
    // A failed send is recorded on the rows (the transaction still commits), then reported.
    const result = await dataSource.transaction(async (manager): Promise<{ sent: number; error?: unknown }> => {
      const rows = await outboxMessages.lockUnpublished(manager, batchSize);
      if (rows.length === 0) return { sent: 0 };
      const ids = rows.map((r) => r.id);
      try {
        await publisher.publish(
          rows.map((r) => ({
            topic: r.topic,
            key: r.key,
            value: r.payload,
            eventId: r.eventId,
            eventType: r.eventType,
          })),
        );
      } catch (e) {
        await outboxMessages.recordFailure(manager, ids, String((e as Error).message));
        return { sent: 0, error: e };
      }
      await outboxMessages.markPublished(manager, ids);
      return { sent: rows.length };
    });
    if (result.error !== undefined) throw result.error;
    return result.sent;
  }

  private async refreshPendingGauge(): Promise<void> {
    const pending = await outboxMessages.countUnpublished(this.options.dataSource);
    this.options.metrics.outboxPending.set(pending);
  }
}
