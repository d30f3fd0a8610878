import { ApiAllocationReachedError } from '@task-sync/sfdc-api-budget';
import { SalesforceSessionError } from '@task-sync/sfdc-client';
import { SfdcIngestErrorCode, classifySalesforceError, connectionStateOf } from './sfdc-ingest-error';

describe('classifySalesforceError', () => {
  it.each([
    [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }, SfdcIngestErrorCode.ApiLimitExceeded, 'pause'],
    [new ApiAllocationReachedError('00D000000000001AAA', 500, 500), SfdcIngestErrorCode.ApiAllocationReached, 'pause'],
    [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }, SfdcIngestErrorCode.Unauthorized, 'pause'],
    [{ errorCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access' }, SfdcIngestErrorCode.Transient, 'retry-later'],
    [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }, SfdcIngestErrorCode.Transient, 'retry-later'],
    [{ errorCode: 'ERROR_HTTP_502', message: '<html>' }, SfdcIngestErrorCode.Transient, 'retry-later'],
    [Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), SfdcIngestErrorCode.Transient, 'retry-later'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND example.my.salesforce.com'), { code: 'ENOTFOUND' }), SfdcIngestErrorCode.Transient, 'retry-later'],
    [{ errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }, SfdcIngestErrorCode.Rejected, 'retry-later'],
    [new SalesforceSessionError('CONNECTION_NOT_FOUND', 'no connection'), SfdcIngestErrorCode.ConnectionGone, 'pause'],
    [new SalesforceSessionError('ORG_READER_NOT_FOUND', 'no reader for the org'), SfdcIngestErrorCode.Unauthorized, 'pause'],
    [new SalesforceSessionError('UNAVAILABLE', 'connector-settings did not answer'), SfdcIngestErrorCode.Transient, 'retry-later'],
    [new SalesforceSessionError('SETUP_INCOMPLETE', 'missing-external-id-field'), SfdcIngestErrorCode.SetupIncomplete, 'pause'],
    [{ errorCode: 'INVALID_FIELD', message: "No such column 'SalesConnect_Task_Id__c' on entity 'Task'." }, SfdcIngestErrorCode.SetupIncomplete, 'pause'],
    [{ errorCode: 'INVALID_FIELD', message: "No such column 'Foo__c' on entity 'Task'." }, SfdcIngestErrorCode.Rejected, 'retry-later'],
  ])('%j → %s (%s)', (error, code, handling) => {
    const classified = classifySalesforceError(error);
    expect(classified.code).toBe(code);
    expect(classified.handling).toBe(handling);
  });
});

describe('connectionStateOf: what a connection shows while its reads fail', () => {
  it.each([
    [SfdcIngestErrorCode.ApiLimitExceeded, 'paused-api-limit'],
    [SfdcIngestErrorCode.ApiBudgetReached, 'paused-api-limit'],
    [SfdcIngestErrorCode.ApiAllocationReached, 'paused-api-limit'],
    [SfdcIngestErrorCode.Unauthorized, 'unauthorized'],
    [SfdcIngestErrorCode.SetupIncomplete, 'setup-required'],
    [SfdcIngestErrorCode.ConnectionGone, 'error'],
    [SfdcIngestErrorCode.Transient, 'error'],
    [SfdcIngestErrorCode.Rejected, 'error'],
  ])('%s → %s', (code, state) => {
    expect(connectionStateOf(code)).toBe(state);
  });
});
