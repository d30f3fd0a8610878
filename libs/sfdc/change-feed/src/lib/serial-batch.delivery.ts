import { decideSfdcFlush, type SfdcGatherPolicy } from '@task-sync/sync-rules';
import { ChangeFeedError, ChangeFeedErrorCode } from './change-feed.error';
import type { TaskChangeEvent } from './change-feed.port';

/**
 * One batch at a time, so the caller stores a replay id only after Kafka acknowledged. A malformed
 * event or `fail` stops delivery after the events before it; a rejected `onEvents` stops it at once,
 * dropping what is queued (it would come out of order).
 *
 * With `gather`, a busy stream's events wait (decideSfdcFlush) so one batch, hence one read by id,
 * carries many; an idle stream's event goes at once.
 */
export class SerialBatchDelivery {
  private queue: (TaskChangeEvent | ChangeFeedError)[] = [];
  private inFlight: Promise<void> | null = null;
  private scheduled = false;
  private stopped = false;
  /** A failure is queued: nothing after it is taken. */
  private failing = false;
  /** When each queued item arrived, and when the last batch was handed over. */
  private arrivedAt: number[] = [];
  private lastDeliveredAt: number | null = null;
  private gatherTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onEvents: (batch: TaskChangeEvent[]) => Promise<void>,
    private readonly onStopped: (failure: ChangeFeedError) => void,
    private readonly maxBatchSize: number,
    private readonly gather?: SfdcGatherPolicy,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
      throw new Error(`maxBatchSize must be a positive integer, not ${maxBatchSize}`);
  }

  /** Stopped, or stopping once what is queued is handed over. */
  get isStopped(): boolean {
    return this.stopped || this.failing;
  }

  push(item: TaskChangeEvent | ChangeFeedError): void {
    if (this.stopped || this.failing) return;
    this.queue.push(item);
    this.arrivedAt.push(this.now());
    this.schedule();
  }

  /** Takes nothing more: hands over what was received, then stops with `failure`. */
  fail(failure: ChangeFeedError): void {
    this.push(failure);
    this.failing = true;
  }

  /** Stops delivery (what is queued is dropped) and reports `failure` once the batch in hand settled. */
  private halt(failure: ChangeFeedError): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue = [];
    this.arrivedAt = [];
    this.clearGatherTimer();
    void this.idle().then(() => this.onStopped(failure));
  }

  /** Stops delivery without a failure; resolves once the batch in hand settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue = [];
    this.arrivedAt = [];
    this.clearGatherTimer();
    await this.idle();
  }

  private async idle(): Promise<void> {
    // The batch in hand reports its own outcome; here only its settling matters.
    await this.inFlight?.catch(() => undefined);
  }

  /** Waits a turn of the event loop, so the events of one server reply make one batch. */
  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    if (this.stopped || this.inFlight || this.queue.length === 0) return;
    const head = this.queue[0];
    if (head instanceof ChangeFeedError) {
      this.halt(head);
      return;
    }
    // Up to the first queued failure: the events before it are handed over first, in order.
    const malformed = this.queue.findIndex((item) => item instanceof ChangeFeedError);
    if (malformed === -1 && !this.failing && this.waitsToGather()) return;
    const size = Math.min(this.maxBatchSize, malformed === -1 ? this.queue.length : malformed);
    this.lastDeliveredAt = this.now();
    this.arrivedAt.splice(0, size);
    this.inFlight = this.deliver(this.queue.splice(0, size) as TaskChangeEvent[]);
  }

  /** True, with a timer set for when the decision may change, while a busy stream's events gather. */
  private waitsToGather(): boolean {
    if (!this.gather) return false;
    const now = this.now();
    const [oldestAt, newestAt] = [this.arrivedAt[0], this.arrivedAt[this.arrivedAt.length - 1]];
    const decision = decideSfdcFlush(
      {
        queued: this.queue.length,
        oldestWaitedMs: now - oldestAt,
        newestWaitedMs: now - newestAt,
        sinceLastSendMs: this.lastDeliveredAt === null ? null : now - this.lastDeliveredAt,
      },
      this.gather,
    );
    if (decision.kind === 'send') return false;
    if (!this.gatherTimer) {
      const dueIn = Math.min(
        this.gather.windowMs - (now - oldestAt),
        this.gather.quietMs - (now - newestAt),
        this.gather.windowMs - (now - (this.lastDeliveredAt ?? now)),
      );
      this.gatherTimer = setTimeout(
        () => {
          this.gatherTimer = null;
          this.next();
        },
        Math.max(1, dueIn),
      );
    }
    return true;
  }

  private clearGatherTimer(): void {
    if (this.gatherTimer) clearTimeout(this.gatherTimer);
    this.gatherTimer = null;
  }

  private deliver(batch: TaskChangeEvent[]): Promise<void> {
    // A handler that throws at once counts as one that rejects.
    return Promise.resolve()
      .then(() => this.onEvents(batch))
      .then(
        () => {
          this.inFlight = null;
          this.next();
        },
        (e: unknown) => {
          this.inFlight = null;
          const first = batch[0].replayId;
          this.halt(
            new ChangeFeedError(
              ChangeFeedErrorCode.HandlerFailed,
              `onEvents failed for the batch from replay id ${first}: ${e instanceof Error ? e.message : String(e)}`,
              { replayId: first, cause: e },
            ),
          );
        },
      );
  }
}
