import type { OrgApiAllowance } from './api-allowance';
import type { ApiCallReport, ApiCallsPort } from './org-api-call.ledger';

/** `POST /internal/v1/salesforce-api-calls` on connector-settings, with this service's token. */
export class ConnectorSettingsApiCallsClient implements ApiCallsPort {
  constructor(
    private readonly baseUrl: string,
    private readonly serviceToken: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async report(reports: ApiCallReport[]): Promise<OrgApiAllowance[]> {
    const response = await fetch(new URL('/internal/v1/salesforce-api-calls', this.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.serviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orgs: reports }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as {
      orgs?: OrgApiAllowance[];
      error?: string;
      message?: string;
    };
    if (!response.ok || !Array.isArray(body.orgs))
      throw new Error(
        `connector-settings answered ${response.status}: ${body.error ?? ''} ${body.message ?? ''}`.trim(),
      );
    return body.orgs;
  }
}
