import type { SalesforceSession } from '@task-sync/sfdc-oauth';
import { SfdcIngestError, SfdcIngestErrorCode } from './sfdc-ingest-error';

/**
 * Asks connector-settings (internal API, service token) for a connection's Salesforce session.
 * The refresh token stays there; this service only ever holds short-lived access tokens, in memory.
 */
export class ConnectorSettingsSessionClient {
  constructor(
    private readonly baseUrl: string,
    private readonly serviceToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** `rejectedAccessToken`: the token Salesforce just refused, so a fresh one is needed. */
  async obtain(connectionId: string, rejectedAccessToken?: string): Promise<SalesforceSession> {
    let response: Response;
    try {
      response = await fetch(new URL(`/internal/v1/connections/${encodeURIComponent(connectionId)}/salesforce-session`, this.baseUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${this.serviceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(rejectedAccessToken ? { rejectedAccessToken } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new SfdcIngestError(SfdcIngestErrorCode.Transient, `connector-settings did not answer: ${(e as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Partial<SalesforceSession> & { error?: string; message?: string };
    if (response.ok) return body as SalesforceSession;
    const why = `${body.error ?? response.status}: ${body.message ?? ''}`;
    // 404, or 400 for an id that cannot be a connection's: there is nothing to read for it.
    if (response.status === 404 || response.status === 400) throw new SfdcIngestError(SfdcIngestErrorCode.ConnectionGone, why);
    if (body.error === 'SALESFORCE_REAUTHORIZATION_REQUIRED' || body.error === 'SALESFORCE_NOT_CONNECTED') {
      throw new SfdcIngestError(SfdcIngestErrorCode.Unauthorized, why);
    }
    if (response.status === 401) throw new Error(`connector-settings refused this service's token (${why}): check INTERNAL_SERVICE_TOKEN`);
    throw new SfdcIngestError(SfdcIngestErrorCode.Transient, `connector-settings: ${why}`);
  }
}
