/**
 * What can go wrong in salesconnect-ingest, and what happens then (see handleRoundError in
 * feed/catch-up.service.ts and webhook/webhook-receiver.service.ts):
 */
export const IngestErrorCode = {
  /** 5xx or no answer from the feed after the bounded retries: cursor kept, next round tries again. */
  FeedUnavailable: 'FEED_UNAVAILABLE',
  /** The feed refused us (401: wrong app token, 400 …): cursor kept, reported, fails loudly each round. */
  FeedRejected: 'FEED_REJECTED',
  /** Our cursor is older than the feed's retention: changes may be lost; restart from the oldest kept change. */
  FeedCursorExpired: 'FEED_CURSOR_EXPIRED',
  /** The feed does not know our cursor (it was reset): restart from its oldest kept change. */
  FeedCursorInvalid: 'FEED_CURSOR_INVALID',
  /** Kafka did not acknowledge: nothing is marked published; the webhook answers 503, the round keeps its cursor. */
  PublishFailed: 'PUBLISH_FAILED',
  /** Our own database failed: as PUBLISH_FAILED, nothing moves forward. */
  StateUnavailable: 'STATE_UNAVAILABLE',
  /** Listing or creating our webhook subscription failed: the catch-up still runs; tried again each round. */
  SubscriptionFailed: 'WEBHOOK_SUBSCRIPTION_FAILED',
} as const;

export type IngestErrorCode = (typeof IngestErrorCode)[keyof typeof IngestErrorCode];

export class IngestError extends Error {
  override readonly name = 'IngestError';

  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
