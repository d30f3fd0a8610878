import { SalesforceError } from '@task-sync/sfdc-client';
import { ChangeFeedErrorCode, type ChangeFeedFailure } from '@task-sync/sfdc-change-feed';

/** What the supervisor does after an org's stream ended (or never started). */
export type StreamRecovery =
  /** Subscribe again after `delayMs`, from the stored replay id: nothing is lost, a batch may come again (the dedupe drops it). */
  | { action: 'resubscribe'; delayMs: number; reason: string }
  /** The stored replay id is gone (72-hour retention): forget it and take new events only; the per-rep polls cover the gap. */
  | { action: 'resubscribe-new'; reason: string }
  /** An event that does not decode: store its replay id, so the stream resumes after it; the polls read its records. */
  | { action: 'skip-event'; replayId: number | null; reason: string }
  /** Salesforce refuses the stream for now: down until `delayMs` from now, the polls keep the org in sync meanwhile. */
  | { action: 'pause'; delayMs: number; reason: string };

export interface RecoveryContext {
  /** Failures in a row before this one (0: the first), for the backoff. */
  failuresInARow: number;
  /** PAUSE_RECHECK_MS. */
  pauseMs: number;
  /** HANDLER_FAILED: what our batch handler threw (a Salesforce read that hit the API budget pauses like the poll does). */
  handlerError?: unknown;
}

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/** Doubling from a second, never more than a minute (nor the pause). */
export function retryDelayMs(failuresInARow: number, pauseMs: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(failuresInARow, 16), RETRY_MAX_MS, pauseMs);
}

/** The one place a stream failure's code becomes an action (the change feed's `handling`, and our own handler's errors). */
export function decideStreamRecovery(
  failure: Pick<ChangeFeedFailure, 'code' | 'message' | 'handling' | 'replayId'>,
  context: RecoveryContext,
): StreamRecovery {
  const reason = `${failure.code}: ${failure.message}`;
  if (
    failure.code === ChangeFeedErrorCode.HandlerFailed &&
    context.handlerError instanceof SalesforceError &&
    context.handlerError.handling === 'pause'
  ) {
    const { code, message } = context.handlerError;
    return { action: 'pause', delayMs: context.pauseMs, reason: `${code}: ${message}` };
  }
  switch (failure.handling) {
    case 'resync':
      return { action: 'resubscribe-new', reason };
    case 'pause':
      return { action: 'pause', delayMs: context.pauseMs, reason };
    case 'skip-event':
      return { action: 'skip-event', replayId: failure.replayId ?? null, reason };
    case 'retry-later':
      return { action: 'resubscribe', delayMs: retryDelayMs(context.failuresInARow, context.pauseMs), reason };
  }
}
