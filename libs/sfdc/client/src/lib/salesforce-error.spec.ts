import { ApiAllocationReachedError } from '@task-sync/sfdc-api-budget';
import {
  SalesforceErrorCode,
  classifySalesforceError,
  connectionStateOf,
  isSalesforceErrorCode,
} from './salesforce-error';
import { SalesforceSessionError } from './salesforce-session';

describe('classifySalesforceError', () => {
  it.each([
    [
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
      SalesforceErrorCode.ApiLimitExceeded,
      'pause',
    ],
    [new ApiAllocationReachedError('00D000000000001AAA', 500, 500), SalesforceErrorCode.ApiAllocationReached, 'pause'],
    [
      { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
      SalesforceErrorCode.Unauthorized,
      'pause',
    ],
    [
      { errorCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access' },
      SalesforceErrorCode.Transient,
      'retry-later',
    ],
    [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }, SalesforceErrorCode.Transient, 'retry-later'],
    [{ errorCode: 'ERROR_HTTP_502', message: '<html>' }, SalesforceErrorCode.Transient, 'retry-later'],
    [
      Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      SalesforceErrorCode.Transient,
      'retry-later',
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND example.my.salesforce.com'), { code: 'ENOTFOUND' }),
      SalesforceErrorCode.Transient,
      'retry-later',
    ],
    [{ errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }, SalesforceErrorCode.Rejected, 'retry-later'],
    [new SalesforceSessionError('CONNECTION_NOT_FOUND', 'no connection'), SalesforceErrorCode.ConnectionGone, 'pause'],
    [
      new SalesforceSessionError('ORG_READER_NOT_FOUND', 'no reader for the org'),
      SalesforceErrorCode.Unauthorized,
      'pause',
    ],
    [
      new SalesforceSessionError('UNAVAILABLE', 'connector-settings did not answer'),
      SalesforceErrorCode.Transient,
      'retry-later',
    ],
    [
      new SalesforceSessionError('SETUP_INCOMPLETE', 'missing-external-id-field'),
      SalesforceErrorCode.SetupIncomplete,
      'pause',
    ],
    [
      { errorCode: 'INVALID_FIELD', message: "No such column 'SalesConnect_Task_Id__c' on entity 'Task'." },
      SalesforceErrorCode.SetupIncomplete,
      'pause',
    ],
    [
      { errorCode: 'INVALID_FIELD', message: "No such column 'Foo__c' on entity 'Task'." },
      SalesforceErrorCode.Rejected,
      'retry-later',
    ],
  ])('%j → %s (%s)', (error, code, handling) => {
    const classified = classifySalesforceError(error);
    expect(classified.code).toBe(code);
    expect(classified.handling).toBe(handling);
  });
});

describe('one classifier for reads and writes', () => {
  it.each([
    // A write's refusal of a record, as a collection or composite answer gives it.
    [
      {
        errorCode: 'NOT_FOUND',
        message: 'Provided external ID field does not exist or is not accessible: SalesConnect_Task_Id__c',
      },
      SalesforceErrorCode.SetupIncomplete,
    ],
    [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }, SalesforceErrorCode.Rejected],
    [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }, SalesforceErrorCode.Rejected],
    // A session refusal read off a plain `{ code }`, as the writer's callers see it.
    [{ code: 'REAUTHORIZATION_REQUIRED', message: 'connect again' }, SalesforceErrorCode.Unauthorized],
    [{ code: 'SETUP_INCOMPLETE', message: 'missing-external-id-field' }, SalesforceErrorCode.SetupIncomplete],
    [{ code: 'toString', message: 'not a session code' }, SalesforceErrorCode.Rejected],
  ])('%j → %s', (error, code) => {
    expect(classifySalesforceError(error).code).toBe(code);
  });

  it("keeps Salesforce's own code beside ours, for a caller that tells refusals apart", () => {
    expect(classifySalesforceError({ errorCode: 'ENTITY_IS_DELETED', message: 'gone' })).toMatchObject({
      code: SalesforceErrorCode.Rejected,
      salesforceCode: 'ENTITY_IS_DELETED',
      message: 'ENTITY_IS_DELETED: gone',
    });
    expect(classifySalesforceError(new Error('fetch failed')).salesforceCode).toBe('');
  });

  it('knows its own codes from any other text', () => {
    expect(isSalesforceErrorCode('API_LIMIT_EXCEEDED')).toBe(true);
    expect(isSalesforceErrorCode('SALESCONNECT_UNAUTHORIZED')).toBe(false);
  });
});

describe('connectionStateOf: what a connection shows while its reads or writes fail', () => {
  it.each([
    [SalesforceErrorCode.ApiLimitExceeded, 'paused-api-limit'],
    [SalesforceErrorCode.ApiBudgetReached, 'paused-api-limit'],
    [SalesforceErrorCode.ApiAllocationReached, 'paused-api-limit'],
    [SalesforceErrorCode.Unauthorized, 'unauthorized'],
    [SalesforceErrorCode.SetupIncomplete, 'setup-required'],
    [SalesforceErrorCode.ConnectionGone, 'error'],
    [SalesforceErrorCode.Transient, 'error'],
    [SalesforceErrorCode.Rejected, 'error'],
  ])('%s → %s', (code, state) => {
    expect(connectionStateOf(code)).toBe(state);
  });
});
