import { EXTERNAL_ID_FIELD } from '@task-sync/sfdc-client';

/** What became of one coalesced write; the flusher acts on it for every queued row it folded. */
export type WriteOutcome =
  /** `version`: Sales Connect's version of the task after the write (its answer). */
  | { kind: 'done'; createdId?: string; version?: number }
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

/** Codes a record-level Salesforce error may carry, and what they mean for the write. */
export function outcomeOfSalesforceRecordError(errorCode: string, message: string, kind: 'create' | 'update' | 'delete'): WriteOutcome {
  // The external-id field is gone or hidden for the rep since the last preflight: the write waits (not lost) like the others.
  if ((errorCode === 'INVALID_FIELD' || errorCode === 'NOT_FOUND') && message.includes(EXTERNAL_ID_FIELD)) return { kind: 'pause', code: 'SALESFORCE_SETUP_INCOMPLETE', reason: `${errorCode}: ${message}` };
  if (errorCode === 'UNABLE_TO_LOCK_ROW' || errorCode === 'SERVER_UNAVAILABLE') return { kind: 'retry', reason: `${errorCode}: ${message}` };
  // The task is gone on that side already: its own delete is (or was) on its way through the ingest.
  if ((errorCode === 'ENTITY_IS_DELETED' || errorCode === 'NOT_FOUND') && kind !== 'create') return { kind: 'done' };
  return { kind: 'dead-letter', code: errorCode, reason: message };
}

/** A Salesforce call that failed as a whole. */
export function outcomeOfSalesforceCallError(error: unknown): WriteOutcome {
  const e = error as { errorCode?: string; code?: string; message?: string; name?: string };
  const code = e.errorCode ?? e.code ?? '';
  const message = e.message ?? String(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED') return { kind: 'pause', code: 'API_LIMIT_EXCEEDED', reason: message };
  // Our own calls reached the org's allocation (held before sending): wait like the org's limit, never dead-letter.
  if (code === 'API_ALLOCATION_REACHED') return { kind: 'pause', code: 'API_ALLOCATION_REACHED', reason: message };
  if (code === 'REAUTHORIZATION_REQUIRED' || code === 'INVALID_SESSION_ID') return { kind: 'pause', code: 'SALESFORCE_UNAUTHORIZED', reason: message };
  // connector-settings' preflight found the org or the rep not ready: every write waits until one passes.
  if (code === 'SETUP_INCOMPLETE') return { kind: 'pause', code: 'SALESFORCE_SETUP_INCOMPLETE', reason: message };
  if ((code === 'INVALID_FIELD' || code === 'NOT_FOUND') && message.includes(EXTERNAL_ID_FIELD)) return { kind: 'pause', code: 'SALESFORCE_SETUP_INCOMPLETE', reason: `${code}: ${message}` };
  if (code === 'CONNECTION_NOT_FOUND') return { kind: 'pause', code: 'CONNECTION_NOT_FOUND', reason: message };
  return { kind: 'retry', reason: `${code || 'error'}: ${message}` };
}

/** The state a connection reports while its writes wait on a pause. */
export function stateOfPausedWrites(code: string): 'paused-api-limit' | 'unauthorized' | 'setup-required' | 'error' {
  if (code === 'API_LIMIT_EXCEEDED' || code === 'API_ALLOCATION_REACHED') return 'paused-api-limit';
  if (code === 'SALESFORCE_SETUP_INCOMPLETE') return 'setup-required';
  return code === 'SALESFORCE_UNAUTHORIZED' ? 'unauthorized' : 'error';
}
