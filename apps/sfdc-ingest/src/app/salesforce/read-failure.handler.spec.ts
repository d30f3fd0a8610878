import { SalesforceError, SalesforceErrorCode } from '@task-sync/sfdc-client';
import { handleReadFailure } from './read-failure.handler';

describe('handleReadFailure: what a failed read step does', () => {
  it.each([
    [SalesforceErrorCode.ApiLimitExceeded, { pause: true, state: 'paused-api-limit', orgLimitReached: true, sessionRefused: false, readerRefused: false }],
    [SalesforceErrorCode.ApiBudgetReached, { pause: true, state: 'paused-api-limit', orgLimitReached: false, sessionRefused: false, readerRefused: false }],
    [SalesforceErrorCode.ApiAllocationReached, { pause: true, state: 'paused-api-limit', orgLimitReached: false, sessionRefused: false, readerRefused: false }],
    [SalesforceErrorCode.Unauthorized, { pause: true, state: 'unauthorized', orgLimitReached: false, sessionRefused: true, readerRefused: true }],
    [SalesforceErrorCode.SetupIncomplete, { pause: true, state: 'setup-required', orgLimitReached: false, sessionRefused: true, readerRefused: false }],
    [SalesforceErrorCode.ConnectionGone, { pause: true, state: 'error', orgLimitReached: false, sessionRefused: true, readerRefused: true }],
    [SalesforceErrorCode.Transient, { pause: false, state: 'error', orgLimitReached: false, sessionRefused: false, readerRefused: false }],
    [SalesforceErrorCode.Rejected, { pause: false, state: 'error', orgLimitReached: false, sessionRefused: false, readerRefused: false }],
  ])('%s → %j', (code, plan) => {
    expect(handleReadFailure(new SalesforceError(code, 'why'))).toMatchObject({ ...plan, unexpected: false, failure: { code } });
  });

  it('an error that is not a SalesforceError is classified, and marked unexpected (its stack is logged)', () => {
    expect(handleReadFailure(new Error('relation "sfdc_sync_state" does not exist'))).toMatchObject({ unexpected: true, pause: false, failure: { code: SalesforceErrorCode.Rejected } });
    expect(handleReadFailure({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' })).toMatchObject({ unexpected: true, pause: true, orgLimitReached: true });
  });
});
