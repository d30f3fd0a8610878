import { ApiAllocationReachedError } from '@task-sync/sfdc-api-budget';
import { outcomeOfSalesforceCallError, outcomeOfSalesforceRecordError, stateOfPausedWrites } from './write-outcome';

describe('what a Salesforce error means for a write', () => {
  it.each([
    ['UNABLE_TO_LOCK_ROW', 'update', 'retry'],
    ['SERVER_UNAVAILABLE', 'create', 'retry'],
    ['ENTITY_IS_DELETED', 'update', 'done'],
    ['NOT_FOUND', 'delete', 'done'],
    ['ENTITY_IS_DELETED', 'create', 'dead-letter'],
    ['DUPLICATE_VALUE', 'create', 'dead-letter'],
    ['STRING_TOO_LONG', 'update', 'dead-letter'],
  ] as const)('a record refused with %s on %s → %s', (code, kind, outcome) => {
    expect(outcomeOfSalesforceRecordError(code, 'why', kind).kind).toBe(outcome);
  });

  it.each([
    [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }, 'pause', 'API_LIMIT_EXCEEDED'],
    [new ApiAllocationReachedError('00D000000000001AAA', 500, 500), 'pause', 'API_ALLOCATION_REACHED'],
    [{ code: 'REAUTHORIZATION_REQUIRED', message: 'connect again' }, 'pause', 'SALESFORCE_UNAUTHORIZED'],
    [{ code: 'CONNECTION_NOT_FOUND', message: 'gone' }, 'pause', 'CONNECTION_NOT_FOUND'],
    [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }, 'retry', undefined],
    [new Error('fetch failed'), 'retry', undefined],
  ])('a call failing with %j → %s', (error, kind, code) => {
    const outcome = outcomeOfSalesforceCallError(error);
    expect(outcome.kind).toBe(kind);
    if (code) expect(outcome).toMatchObject({ code });
  });

  it.each([
    ['API_LIMIT_EXCEEDED', 'paused-api-limit'],
    ['API_ALLOCATION_REACHED', 'paused-api-limit'],
    ['SALESFORCE_UNAUTHORIZED', 'unauthorized'],
    ['CONNECTION_NOT_FOUND', 'error'],
  ])('writes paused for %s report the state %s', (code, state) => {
    expect(stateOfPausedWrites(code)).toBe(state);
  });
});
