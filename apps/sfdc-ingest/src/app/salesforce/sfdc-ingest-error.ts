import { EXTERNAL_ID_FIELD, SalesforceSessionError } from '@task-sync/sfdc-client';
import { isNetworkErrorCode } from '@task-sync/util-nest';

/** What can go wrong reading Salesforce, and what the scheduler does about each. */
export enum SfdcIngestErrorCode {
  /** The org's daily limit is used up (403 REQUEST_LIMIT_EXCEEDED): pause, report, resume later by itself. */
  ApiLimitExceeded = 'API_LIMIT_EXCEEDED',
  /** Our own share of the org's limit is used (API_BUDGET_SHARE): pause like the above, before Salesforce has to say so. */
  ApiBudgetReached = 'API_BUDGET_REACHED',
  /** The sync's own calls in the org reached the allocation set in connector-settings: pause until the rolling 24 h frees calls. */
  ApiAllocationReached = 'API_ALLOCATION_REACHED',
  /** The grant is gone (refresh refused): only the user can fix it by connecting again. Pause and report. */
  Unauthorized = 'SALESFORCE_UNAUTHORIZED',
  /**
   * The connection's preflight found the org or the rep not ready (connector-settings refuses its
   * session; or Salesforce says the external-id field is not there for the rep): pause until a
   * later preflight passes. The settings page shows which state and what to do.
   */
  SetupIncomplete = 'SALESFORCE_SETUP_INCOMPLETE',
  /** The connection no longer exists in connector-settings. */
  ConnectionGone = 'CONNECTION_NOT_FOUND',
  /** 5xx, lock errors, network: retried with backoff a bounded number of times, then the step fails and runs again later. */
  Transient = 'SALESFORCE_UNAVAILABLE',
  /** Anything else Salesforce refused; the step runs again at the next poll and the error is reported. */
  Rejected = 'SALESFORCE_REJECTED',
}

export type ErrorHandling = 'pause' | 'retry-later';

export class SfdcIngestError extends Error {
  override readonly name = 'SfdcIngestError';

  constructor(
    readonly code: SfdcIngestErrorCode,
    message: string,
  ) {
    super(message);
  }

  get handling(): ErrorHandling {
    return PAUSING.has(this.code) ? 'pause' : 'retry-later';
  }
}

const PAUSING = new Set([
  SfdcIngestErrorCode.ApiLimitExceeded,
  SfdcIngestErrorCode.ApiBudgetReached,
  SfdcIngestErrorCode.ApiAllocationReached,
  SfdcIngestErrorCode.Unauthorized,
  SfdcIngestErrorCode.SetupIncomplete,
  SfdcIngestErrorCode.ConnectionGone,
]);

const API_LIMIT_CODES = new Set([SfdcIngestErrorCode.ApiLimitExceeded, SfdcIngestErrorCode.ApiBudgetReached, SfdcIngestErrorCode.ApiAllocationReached]);

/** The state a connection shows while its reads fail with this code (one place for both schedulers). */
export function connectionStateOf(code: SfdcIngestErrorCode): 'paused-api-limit' | 'unauthorized' | 'setup-required' | 'error' {
  if (API_LIMIT_CODES.has(code)) return 'paused-api-limit';
  if (code === SfdcIngestErrorCode.SetupIncomplete) return 'setup-required';
  return code === SfdcIngestErrorCode.Unauthorized ? 'unauthorized' : 'error';
}

const TRANSIENT_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG', 'QUERY_TIMEOUT']);

/** Sorts an error from jsforce (`errorCode`, or `ERROR_HTTP_<status>` for bodies that were not Salesforce's) into our codes. */
export function classifySalesforceError(error: unknown): SfdcIngestError {
  if (error instanceof SfdcIngestError) return error;
  if (error instanceof SalesforceSessionError) {
    const code = {
      CONNECTION_NOT_FOUND: SfdcIngestErrorCode.ConnectionGone,
      // The org's reader was removed: like a lost grant, only an admin connecting it again helps.
      ORG_READER_NOT_FOUND: SfdcIngestErrorCode.Unauthorized,
      REAUTHORIZATION_REQUIRED: SfdcIngestErrorCode.Unauthorized,
      SETUP_INCOMPLETE: SfdcIngestErrorCode.SetupIncomplete,
      UNAVAILABLE: SfdcIngestErrorCode.Transient,
    }[error.code];
    return new SfdcIngestError(code, error.message);
  }
  const e = error as { errorCode?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.errorCode ?? e.code ?? e.cause?.code ?? '';
  const message = e.message ?? String(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED') return new SfdcIngestError(SfdcIngestErrorCode.ApiLimitExceeded, message);
  // Our gate held the call (ApiAllocationReachedError from @task-sync/sfdc-api-budget): it was never sent.
  if (code === 'API_ALLOCATION_REACHED') return new SfdcIngestError(SfdcIngestErrorCode.ApiAllocationReached, message);
  if (code === 'INVALID_SESSION_ID') return new SfdcIngestError(SfdcIngestErrorCode.Unauthorized, message);
  // The field went missing or hidden since the last preflight: pause (not a poll every 30 s); the
  // next session asked of connector-settings is refused once its preflight has seen it.
  if (code === 'INVALID_FIELD' && message.includes(EXTERNAL_ID_FIELD)) return new SfdcIngestError(SfdcIngestErrorCode.SetupIncomplete, `${code}: ${message}`);
  if (TRANSIENT_CODES.has(code) || isNetworkErrorCode(code) || /^ERROR_HTTP_5\d\d$/.test(code) || /fetch failed|socket hang up/i.test(message)) {
    return new SfdcIngestError(SfdcIngestErrorCode.Transient, `${code || 'network'}: ${message}`);
  }
  return new SfdcIngestError(SfdcIngestErrorCode.Rejected, `${code || 'error'}: ${message}`);
}
