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
    ['INVALID_FIELD', 'create', 'dead-letter'],
  ] as const)('a record refused with %s on %s → %s', (code, kind, outcome) => {
    expect(outcomeOfSalesforceRecordError(code, 'why', kind).kind).toBe(outcome);
  });

  it('a record refused because the external-id field is gone or hidden for the rep waits (setup incomplete), not dead-lettered', () => {
    expect(
      outcomeOfSalesforceRecordError(
        'NOT_FOUND',
        'Provided external ID field does not exist or is not accessible: SalesConnect_Task_Id__c',
        'create',
      ),
    ).toMatchObject({ kind: 'pause', code: 'SALESFORCE_SETUP_INCOMPLETE' });
    expect(
      outcomeOfSalesforceRecordError(
        'INVALID_FIELD',
        "No such column 'SalesConnect_Task_Id__c' on sobject of type Task",
        'update',
      ),
    ).toMatchObject({ kind: 'pause', code: 'SALESFORCE_SETUP_INCOMPLETE' });
  });

  it.each([
    [{ code: 'SETUP_INCOMPLETE', message: 'missing-external-id-field' }, 'pause', 'SALESFORCE_SETUP_INCOMPLETE'],
    [
      {
        errorCode: 'NOT_FOUND',
        message: 'Provided external ID field does not exist or is not accessible: SalesConnect_Task_Id__c',
      },
      'pause',
      'SALESFORCE_SETUP_INCOMPLETE',
    ],
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
    ['SALESFORCE_SETUP_INCOMPLETE', 'setup-required'],
    ['CONNECTION_NOT_FOUND', 'error'],
  ])('writes paused for %s report the state %s', (code, state) => {
    expect(stateOfPausedWrites(code)).toBe(state);
  });
});
