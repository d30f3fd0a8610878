import type { FaultInjector, SandboxClock } from '@task-sync/util-sandbox-kit';
import type { Change } from './change.model';
import { newId } from './ids';
import { computeRetryDelayMs } from './webhook-backoff';
import { DELIVERY_ID_HEADER, deliveryPoster, SIGNATURE_HEADER, signDelivery, TIMESTAMP_HEADER } from './webhook-post';
import type { WebhookSubscription, WebhookSubscriptionStore } from './webhook-subscription.store';

export interface DeliveryAttempt {
  at: string;
  /** HTTP status, or null when the request failed (refused, reset, timed out). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  userId: string;
  changeCursor: string;
  changeType: Change['type'];
  taskId: string;
  /** pending: more attempts to come; dropped: the dropWebhook fault kept it from being sent. */
  status: 'pending' | 'succeeded' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
  /** The exact body sent (and re-sent on retries). */
  body: string;
}

/** Settled deliveries kept in the log (the newest); pending ones are always kept. An import sends one a change. */
export const DELIVERY_LOG_LIMIT = 10_000;

export interface WebhookDispatcherOptions {
  secret: string;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  timeoutMs: number;
}

/** At least once. Retries wait in real time (timers), while every timestamp shown is the sandbox clock's. */
export class WebhookDispatcher {
  private deliveries = new Map<string, WebhookDelivery>();
  /** Ids of settled deliveries, oldest first: the ones the log forgets beyond DELIVERY_LOG_LIMIT. */
  private readonly settled = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly post = deliveryPoster();
  private stopped = false;
  /** A test's hold on new deliveries (of some tasks, or all): kept back until released, in an order of its choosing. */
  private holding?: { taskIds: Set<string> | null };
  private heldBack: WebhookDelivery[] = [];

  constructor(
    private readonly subscriptions: WebhookSubscriptionStore,
    private readonly clock: SandboxClock,
    private readonly faults: FaultInjector,
    private readonly options: WebhookDispatcherOptions,
  ) {}

  dispatch(change: Change): void {
    for (const subscription of this.subscriptions.matching(change.userId)) this.enqueue(subscription, change);
  }

  list(filter: { subscriptionIds?: Set<string> } = {}): WebhookDelivery[] {
    return [...this.deliveries.values()].filter(
      (d) => filter.subscriptionIds === undefined || filter.subscriptionIds.has(d.subscriptionId),
    );
  }

  dump(): WebhookDelivery[] {
    return this.list();
  }

  /** Restores the log; deliveries that were still pending are attempted again (at-least-once across a restart). */
  load(deliveries: WebhookDelivery[]): void {
    this.deliveries = new Map(deliveries.map((d) => [d.id, d]));
    this.settled.clear();
    for (const d of deliveries) {
      if (d.status === 'pending') this.schedule(d, 0);
      else this.settle(d);
    }
  }

  /** A test's way to have webhooks arrive in another order than the changes were made. */
  hold(filter: { taskIds?: string[] }): void {
    this.holding = { taskIds: filter.taskIds === undefined ? null : new Set(filter.taskIds) };
  }

  /**
   * Ends the hold and sends what it kept, in the order they were made (`arrival`) or the reverse,
   * each `intervalMs` after the one before (each in a round of its own); returns how many.
   */
  release(options: { order: 'arrival' | 'reverse'; intervalMs: number }): number {
    const kept = this.heldBack;
    this.heldBack = [];
    this.holding = undefined;
    if (options.order === 'reverse') kept.reverse();
    kept.forEach((delivery, i) => this.schedule(delivery, i * options.intervalMs));
    return kept.length;
  }

  clear(): void {
    this.holding = undefined;
    this.heldBack = [];
    this.cancelAll();
    this.deliveries.clear();
    this.settled.clear();
  }

  /** Stops retries and aborts requests in flight; used at shutdown. */
  stop(): void {
    this.stopped = true;
    this.cancelAll();
    this.post.close();
  }

  private enqueue(subscription: WebhookSubscription, change: Change): void {
    const delivery: WebhookDelivery = {
      id: newId('scd'),
      subscriptionId: subscription.id,
      url: subscription.url,
      userId: change.userId,
      changeCursor: change.cursor,
      changeType: change.type,
      taskId: change.taskId,
      status: 'pending',
      attempts: [],
      nextAttemptAt: this.clock.now().toISOString(),
      createdAt: this.clock.now().toISOString(),
      body: JSON.stringify(change),
    };
    this.deliveries.set(delivery.id, delivery);
    if (this.faults.shouldInject('dropWebhook')) {
      // Lost silently, as a real webhook can be: the change is still in the feed for catch-up.
      delivery.status = 'dropped';
      delivery.nextAttemptAt = null;
      this.settle(delivery);
      return;
    }
    if (this.holding !== undefined && (this.holding.taskIds === null || this.holding.taskIds.has(change.taskId))) {
      delivery.nextAttemptAt = null; // pending, not scheduled: sent at release
      this.heldBack.push(delivery);
      return;
    }
    this.schedule(delivery, 0);
  }

  private schedule(delivery: WebhookDelivery, delayMs: number): void {
    if (this.stopped) return;
    delivery.nextAttemptAt = new Date(this.clock.nowMs() + delayMs).toISOString();
    const timer = setTimeout(() => {
      this.timers.delete(delivery.id);
      void this.attempt(delivery);
    }, delayMs);
    timer.unref();
    this.timers.set(delivery.id, timer);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const timestamp = Math.floor(this.clock.nowMs() / 1000);
    const started = Date.now();
    const controller = new AbortController();
    this.inFlight.add(controller);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await this.post({
        url: new URL(delivery.url),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'SalesConnect-Webhooks/1 (sandbox)',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signDelivery(this.options.secret, timestamp, delivery.body),
          [DELIVERY_ID_HEADER]: delivery.id,
        },
        body: delivery.body,
        timeoutMs: this.options.timeoutMs,
        signal: controller.signal,
      });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      this.inFlight.delete(controller);
    }
    if (this.stopped || !this.deliveries.has(delivery.id)) return; // reset or shut down meanwhile
    delivery.attempts.push({
      at: new Date(this.clock.nowMs()).toISOString(),
      statusCode,
      error,
      durationMs: Date.now() - started,
    });
    if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
      delivery.status = 'succeeded';
      delivery.nextAttemptAt = null;
      this.settle(delivery);
    } else if (delivery.attempts.length >= this.options.maxAttempts) {
      delivery.status = 'failed';
      delivery.nextAttemptAt = null;
      this.settle(delivery);
    } else {
      this.schedule(
        delivery,
        computeRetryDelayMs(delivery.attempts.length, this.options.retryBaseMs, this.options.retryMaxMs),
      );
    }
  }

  /** A delivery is done with (succeeded, failed, dropped): the oldest settled one beyond the limit is forgotten. */
  private settle(delivery: WebhookDelivery): void {
    this.settled.add(delivery.id);
    if (this.settled.size <= DELIVERY_LOG_LIMIT) return;
    const oldest = this.settled.values().next().value as string;
    this.settled.delete(oldest);
    this.deliveries.delete(oldest);
  }

  private cancelAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort(new Error('sandbox stopping'));
    this.inFlight.clear();
  }
}
