import type { OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { SalesforceReader, SalesforceSessionHandle, type ConnectorSettingsSessionClient, type ReaderOptions } from '@task-sync/sfdc-client';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';

/** What every Salesforce session and reader of this service is built with. */
export interface ReaderDeps {
  sessions: ConnectorSettingsSessionClient;
  config: Pick<SfdcIngestConfig, 'SALESFORCE_API_VERSION' | 'SALESFORCE_RETRY_ATTEMPTS' | 'SALESFORCE_RETRY_BASE_MS'>;
  budget: ReaderOptions['budget'];
  /** The org's allocation: every call is counted and gated. */
  calls: OrgApiCallLedger;
}

/** A connection's session (its rep's), or an org reader's. */
export function sessionHandleFor(whose: { connectionId: string } | { orgId: string }, deps: ReaderDeps): SalesforceSessionHandle {
  const options = { apiVersion: deps.config.SALESFORCE_API_VERSION, calls: deps.calls };
  return 'orgId' in whose ? SalesforceSessionHandle.forOrgReader(whose.orgId, deps.sessions, options) : new SalesforceSessionHandle(whose.connectionId, deps.sessions, options);
}

/** A reader on that session, with the service's retries and the org's budget. */
export function readerOn(handle: SalesforceSessionHandle, deps: ReaderDeps): SalesforceReader {
  return new SalesforceReader(handle, { retryAttempts: deps.config.SALESFORCE_RETRY_ATTEMPTS, retryBaseMs: deps.config.SALESFORCE_RETRY_BASE_MS, budget: deps.budget });
}
