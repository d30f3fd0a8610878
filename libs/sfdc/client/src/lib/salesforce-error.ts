import { isNetworkErrorCode } from '@task-sync/util-nest';
import { EXTERNAL_ID_FIELD } from './record-result';

/** One vocabulary for every service; each service's handler decides what a code means for its work. */
export const SalesforceErrorCode = {
  /** The org's daily limit is used up (403 REQUEST_LIMIT_EXCEEDED): pause, report, resume later by itself. */
  ApiLimitExceeded: 'API_LIMIT_EXCEEDED',
  /** Our own share of the org's limit is used (API_BUDGET_SHARE): pause like the above, before Salesforce has to say so. */
  ApiBudgetReached: 'API_BUDGET_REACHED',
  /** The sync's own calls in the org reached the allocation set in connector-settings: pause until the rolling 24 h frees calls. */
  ApiAllocationReached: 'API_ALLOCATION_REACHED',
  /** The grant is gone (refresh refused): only the user can fix it by connecting again. Pause and report. */
  Unauthorized: 'SALESFORCE_UNAUTHORIZED',
  /**
   * The connection's preflight found the org or the rep not ready (connector-settings refuses its
   * session; or Salesforce says the external-id field is not there for the rep): pause until a
   * later preflight passes. The settings page shows which state and what to do.
   */
  SetupIncomplete: 'SALESFORCE_SETUP_INCOMPLETE',
  /** The connection no longer exists in connector-settings. */
  ConnectionGone: 'CONNECTION_NOT_FOUND',
  /** 5xx, lock errors, network: retried with backoff a bounded number of times, then the step fails and runs again later. */
  Transient: 'SALESFORCE_UNAVAILABLE',
  /** Anything else Salesforce refused (`salesforceCode` says what): the caller decides whether to try again or give up. */
  Rejected: 'SALESFORCE_REJECTED',
} as const;

export type SalesforceErrorCode = (typeof SalesforceErrorCode)[keyof typeof SalesforceErrorCode];

const CODES = new Set<string>(Object.values(SalesforceErrorCode));

export function isSalesforceErrorCode(code: string): code is SalesforceErrorCode {
  return CODES.has(code);
}

/** `pause`: the connection can do nothing until the cause passes or a person acts; `retry-later`: this call's trouble only. */
export type SalesforceErrorHandling = 'pause' | 'retry-later';

const PAUSING = new Set<SalesforceErrorCode>([
  SalesforceErrorCode.ApiLimitExceeded,
  SalesforceErrorCode.ApiBudgetReached,
  SalesforceErrorCode.ApiAllocationReached,
  SalesforceErrorCode.Unauthorized,
  SalesforceErrorCode.SetupIncomplete,
  SalesforceErrorCode.ConnectionGone,
]);

export class SalesforceError extends Error {
  override readonly name = 'SalesforceError';

  constructor(
    readonly code: SalesforceErrorCode,
    message: string,
    /** Salesforce's own `errorCode` (or the session's, or the network's) when there was one: e.g. ENTITY_IS_DELETED. */
    readonly salesforceCode = '',
  ) {
    super(message);
  }

  get handling(): SalesforceErrorHandling {
    return PAUSING.has(this.code) ? 'pause' : 'retry-later';
  }
}

/** What a connection's status shows while its Salesforce calls fail with a code. */
export type FailingConnectionState = 'paused-api-limit' | 'unauthorized' | 'setup-required' | 'error';

const CONNECTION_STATE: Record<SalesforceErrorCode, FailingConnectionState> = {
  [SalesforceErrorCode.ApiLimitExceeded]: 'paused-api-limit',
  [SalesforceErrorCode.ApiBudgetReached]: 'paused-api-limit',
  [SalesforceErrorCode.ApiAllocationReached]: 'paused-api-limit',
  [SalesforceErrorCode.Unauthorized]: 'unauthorized',
  [SalesforceErrorCode.SetupIncomplete]: 'setup-required',
  [SalesforceErrorCode.ConnectionGone]: 'error',
  [SalesforceErrorCode.Transient]: 'error',
  [SalesforceErrorCode.Rejected]: 'error',
};

/** The state a connection shows while its reads or writes fail with this code: the one mapping every service reports by. */
export function connectionStateOf(code: SalesforceErrorCode): FailingConnectionState {
  return CONNECTION_STATE[code];
}

/** connector-settings' refusals of a session (SalesforceSessionError's codes, also read off a plain `{ code }`). */
const SESSION_CODES = new Map<string, SalesforceErrorCode>([
  ['CONNECTION_NOT_FOUND', SalesforceErrorCode.ConnectionGone],
  // The org's reader was removed: like a lost grant, only an admin connecting it again helps.
  ['ORG_READER_NOT_FOUND', SalesforceErrorCode.Unauthorized],
  ['REAUTHORIZATION_REQUIRED', SalesforceErrorCode.Unauthorized],
  ['SETUP_INCOMPLETE', SalesforceErrorCode.SetupIncomplete],
  ['UNAVAILABLE', SalesforceErrorCode.Transient],
]);

const TRANSIENT_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
]);

/** jsforce writes `ERROR_HTTP_<status>` for bodies that were not Salesforce's. */
export function classifySalesforceError(error: unknown): SalesforceError {
  if (error instanceof SalesforceError) return error;
  const e = error as { errorCode?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.errorCode ?? e.code ?? e.cause?.code ?? '';
  const message = e.message ?? String(error);
  const as = (ours: SalesforceErrorCode, text = message) => new SalesforceError(ours, text, code);
  const session = SESSION_CODES.get(code);
  if (session) return as(session);
  if (code === 'REQUEST_LIMIT_EXCEEDED') return as(SalesforceErrorCode.ApiLimitExceeded);
  // Our gate held the call (ApiAllocationReachedError from @task-sync/sfdc-api-budget): it was never sent.
  if (code === 'API_ALLOCATION_REACHED') return as(SalesforceErrorCode.ApiAllocationReached);
  if (code === 'INVALID_SESSION_ID') return as(SalesforceErrorCode.Unauthorized);
  // The field went missing or hidden since the last preflight (a query names it: INVALID_FIELD; an
  // upsert by it: NOT_FOUND): pause, not a loop; the next session is refused once a preflight has seen it.
  if ((code === 'INVALID_FIELD' || code === 'NOT_FOUND') && message.includes(EXTERNAL_ID_FIELD))
    return as(SalesforceErrorCode.SetupIncomplete, `${code}: ${message}`);
  if (
    TRANSIENT_CODES.has(code) ||
    isNetworkErrorCode(code) ||
    /^ERROR_HTTP_5\d\d$/.test(code) ||
    /fetch failed|socket hang up/i.test(message)
  ) {
    return as(SalesforceErrorCode.Transient, `${code || 'network'}: ${message}`);
  }
  return as(SalesforceErrorCode.Rejected, `${code || 'error'}: ${message}`);
}
