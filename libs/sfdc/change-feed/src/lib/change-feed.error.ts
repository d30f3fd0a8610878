/** Why a change-feed subscription ended: one vocabulary for every transport. */
export enum ChangeFeedErrorCode {
  /** The replay id to resume from has left the 72-hour retention window: the events after it are gone. */
  ReplayIdUnavailable = 'REPLAY_ID_UNAVAILABLE',
  /** Salesforce refused the session, and a fresh one from connector-settings too (or none could be had: reconnect needed). */
  AuthFailed = 'AUTH_FAILED',
  /** Task is not selected for Change Data Capture (Setup), so its channel does not exist. */
  CdcNotEnabled = 'CDC_NOT_ENABLED',
  /** The subscribing user lacks View All Data, which Task change events require. */
  NotPermitted = 'NOT_PERMITTED',
  /** The org's daily event delivery allocation is used up (shared by every subscriber). */
  EventLimitExceeded = 'EVENT_LIMIT_EXCEEDED',
  /** The org has as many streaming clients as it may. */
  ClientLimitExceeded = 'CLIENT_LIMIT_EXCEEDED',
  /** Network errors, 5xx, no answer: the client kept retrying for the configured bound, or connector-settings did not answer. */
  Transport = 'TRANSPORT',
  /** An event that does not decode. Events before it were delivered. */
  MalformedEvent = 'MALFORMED_EVENT',
  /** The caller's `onEvents` rejected. */
  HandlerFailed = 'HANDLER_FAILED',
  /** An error this adapter does not know. */
  Unexpected = 'UNEXPECTED',
}

/**
 * What the caller does next. `retry-later`: resubscribe from the stored replay id after a
 * bounded backoff. `pause`: stop the feed for the org (polling keeps it in sync), report it, and
 * try again after the pause. `resync`: re-read by time from the last stored commit time, then
 * subscribe with 'new'. `skip-event`: dead-letter the event, store its replay id, read its
 * records by id, and resubscribe after it.
 */
export type ChangeFeedHandling = 'retry-later' | 'pause' | 'resync' | 'skip-event';

const HANDLING: Record<ChangeFeedErrorCode, ChangeFeedHandling> = {
  [ChangeFeedErrorCode.ReplayIdUnavailable]: 'resync',
  [ChangeFeedErrorCode.AuthFailed]: 'pause',
  [ChangeFeedErrorCode.CdcNotEnabled]: 'pause',
  [ChangeFeedErrorCode.NotPermitted]: 'pause',
  [ChangeFeedErrorCode.EventLimitExceeded]: 'pause',
  [ChangeFeedErrorCode.ClientLimitExceeded]: 'retry-later',
  [ChangeFeedErrorCode.Transport]: 'retry-later',
  [ChangeFeedErrorCode.MalformedEvent]: 'skip-event',
  [ChangeFeedErrorCode.HandlerFailed]: 'retry-later',
  [ChangeFeedErrorCode.Unexpected]: 'retry-later',
};

export interface ChangeFeedFailure {
  code: ChangeFeedErrorCode;
  message: string;
  handling: ChangeFeedHandling;
  /** MALFORMED_EVENT: the bad event's replay id when it has one; HANDLER_FAILED: the failed batch's first. */
  replayId?: number;
  /** MALFORMED_EVENT: the event as received, for the dead-letter topic. */
  raw?: unknown;
}

export class ChangeFeedError extends Error implements ChangeFeedFailure {
  override readonly name = 'ChangeFeedError';
  readonly replayId?: number;
  readonly raw?: unknown;

  constructor(
    readonly code: ChangeFeedErrorCode,
    message: string,
    details: { replayId?: number; raw?: unknown; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.replayId !== undefined) this.replayId = details.replayId;
    if (details.raw !== undefined) this.raw = details.raw;
  }

  get handling(): ChangeFeedHandling {
    return HANDLING[this.code];
  }
}
