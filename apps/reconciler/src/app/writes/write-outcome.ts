import {
  SalesforceErrorCode,
  classifySalesforceError,
  connectionStateOf,
  isSalesforceErrorCode,
  type FailingConnectionState,
} from '@task-sync/sfdc-client';

/** What became of one coalesced write; the flusher acts on it for every queued row it folded. */
export type WriteOutcome =
  /**
   * `version`: Sales Connect's version of the task after the write (its answer); `sfdcWrittenAt`:
   * Salesforce's SystemModstamp of the task right after the write (ISO); `createdAt`: a Sales Connect
   * create's time by its answer, which its echo (not published: isEchoOfOwnCreate) would have told.
   */
  | { kind: 'done'; createdId?: string; version?: number; sfdcWrittenAt?: string; createdAt?: string }
  /** Transient (5xx, lock errors, network): again after a backoff, a bounded number of times. */
  | { kind: 'retry'; reason: string }
  /** The connection cannot write now (API limit or allocation, lost grant): every write waits, uncounted. */
  | { kind: 'pause'; reason: string; code: string }
  /**
   * Not now, and not a failure: the target changed in a way not read yet (see the write executors).
   * `sfdcTaskId`: the Salesforce task found by its external id for a link that did not know it (a
   * create of ours that landed, its answer lost), for the link to store.
   */
  | { kind: 'hold'; reason: string; sfdcTaskId?: string }
  /** Refused for good: parked on the dead-letter topic with the reason. */
  | { kind: 'dead-letter'; code: string; reason: string };

/** Salesforce's codes for a record that is not there (any more). */
const RECORD_GONE = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND']);

export function outcomeOfSalesforceRecordError(
  errorCode: string,
  message: string,
  kind: 'create' | 'update' | 'delete',
): WriteOutcome {
  const failure = classifySalesforceError({ errorCode, message });
  // The external-id field is gone or hidden for the rep since the last preflight: the write waits (not lost) like the others.
  if (failure.code === SalesforceErrorCode.SetupIncomplete)
    return { kind: 'pause', code: failure.code, reason: failure.message };
  if (failure.code === SalesforceErrorCode.Transient) return { kind: 'retry', reason: `${errorCode}: ${message}` };
  // The task is gone on that side already: its own delete is (or was) on its way through the ingest.
  if (RECORD_GONE.has(errorCode) && kind !== 'create') return { kind: 'done' };
  return { kind: 'dead-letter', code: errorCode, reason: message };
}

export function outcomeOfSalesforceCallError(error: unknown): WriteOutcome {
  const failure = classifySalesforceError(error);
  if (failure.handling === 'pause') return { kind: 'pause', code: failure.code, reason: failure.message };
  return { kind: 'retry', reason: failure.message };
}

/** The state a connection reports while its writes wait on a pause (a Sales Connect pause reports `error`). */
export function stateOfPausedWrites(code: string): FailingConnectionState {
  return isSalesforceErrorCode(code) ? connectionStateOf(code) : 'error';
}
