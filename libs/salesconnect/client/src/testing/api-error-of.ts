import { SalesConnectApiError } from '../lib/salesconnect-api.error';

/** The SalesConnectApiError a client call rejected with (fails the test when it resolved, or threw anything else). */
export async function apiErrorOf(promise: Promise<unknown>): Promise<SalesConnectApiError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SalesConnectApiError) return e;
    throw e;
  }
  throw new Error('expected a SalesConnectApiError');
}
