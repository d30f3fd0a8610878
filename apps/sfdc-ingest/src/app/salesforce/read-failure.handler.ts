import { SalesforceError, SalesforceErrorCode, classifySalesforceError, connectionStateOf, type FailingConnectionState } from '@task-sync/sfdc-client';

/** What a failed read step means for sfdc-ingest: the one place its read loops turn an error code into what they do. */
export interface ReadFailurePlan {
  failure: SalesforceError;
  /** Not a SalesforceError when thrown (a bug, the database): its stack is logged. */
  unexpected: boolean;
  /** Pause the connection (or org) until the budget frees calls or the recheck; else read again at the next poll. */
  pause: boolean;
  /** What the connection's status shows meanwhile. */
  state: FailingConnectionState;
  /** Salesforce's own daily limit: the org's budget holds every read of the org until it resets. */
  orgLimitReached: boolean;
  /** The session was refused: the next step asks connector-settings for one again (refused until the cause is fixed). */
  sessionRefused: boolean;
  /** An org reader's session is gone for good: its connections go back to their own polls. */
  readerRefused: boolean;
}

export function handleReadFailure(error: unknown): ReadFailurePlan {
  const failure = classifySalesforceError(error);
  const { code } = failure;
  const readerRefused = code === SalesforceErrorCode.Unauthorized || code === SalesforceErrorCode.ConnectionGone;
  return {
    failure,
    unexpected: !(error instanceof SalesforceError),
    pause: failure.handling === 'pause',
    state: connectionStateOf(code),
    orgLimitReached: code === SalesforceErrorCode.ApiLimitExceeded,
    sessionRefused: readerRefused || code === SalesforceErrorCode.SetupIncomplete,
    readerRefused,
  };
}
