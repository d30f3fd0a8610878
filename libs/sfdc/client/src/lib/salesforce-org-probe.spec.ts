import { classifyProbeError } from './salesforce-org-probe';

describe('classifyProbeError: Salesforce saying no is an answer, Salesforce not answering is not', () => {
  it.each([
    [
      'no permission to read the object',
      { errorCode: 'INSUFFICIENT_ACCESS', message: 'no' },
      'refused',
      'INSUFFICIENT_ACCESS',
    ],
    [
      'an object the org does not have',
      { errorCode: 'INVALID_TYPE', message: "sObject type 'X' is not supported" },
      'refused',
      'INVALID_TYPE',
    ],
    [
      'the daily API limit',
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
      'unavailable',
      'REQUEST_LIMIT_EXCEEDED',
    ],
    [
      'a 503 whose body was not Salesforce’s',
      { errorCode: 'ERROR_HTTP_503', message: 'Service Unavailable' },
      'unavailable',
      'ERROR_HTTP_503',
    ],
    ['a lock', { errorCode: 'UNABLE_TO_LOCK_ROW', message: 'locked' }, 'unavailable', 'UNABLE_TO_LOCK_ROW'],
    [
      'a refused connection',
      Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      'unavailable',
      'ECONNREFUSED',
    ],
    ['an error with no code at all', new Error('the session could not be renewed'), 'unavailable', 'NETWORK'],
  ])('%s', (_, error, kind, code) => {
    expect(classifyProbeError(error)).toMatchObject({ kind, code });
  });
});
