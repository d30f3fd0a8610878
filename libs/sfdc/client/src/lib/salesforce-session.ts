import { Connection } from 'jsforce';

/**
 * A connection's Salesforce session as connector-settings hands it to our services on its internal
 * API (`POST /internal/v1/connections/{id}/salesforce-session`). The refresh token never leaves it.
 */
export interface SalesforceSession {
  connectionId: string;
  orgId: string;
  userId: string;
  instanceUrl: string;
  accessToken: string;
}

export type SalesforceSessionErrorCode =
  /** connector-settings has no such connection (deleted, or an id that cannot be one). */
  | 'CONNECTION_NOT_FOUND'
  /** The grant is gone (refresh refused, never connected): only the user can fix it. */
  | 'REAUTHORIZATION_REQUIRED'
  /** connector-settings or Salesforce's token endpoint did not answer: try again later. */
  | 'UNAVAILABLE';

export class SalesforceSessionError extends Error {
  override readonly name = 'SalesforceSessionError';

  constructor(
    readonly code: SalesforceSessionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Asks connector-settings for a connection's Salesforce session, with this service's token. */
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
      throw new SalesforceSessionError('UNAVAILABLE', `connector-settings did not answer: ${(e as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Partial<SalesforceSession> & { error?: string; message?: string };
    if (response.ok) return body as SalesforceSession;
    const why = `${body.error ?? response.status}: ${body.message ?? ''}`;
    // 404, or 400 for an id that cannot be a connection's: there is nothing to reach for it.
    if (response.status === 404 || response.status === 400) throw new SalesforceSessionError('CONNECTION_NOT_FOUND', why);
    if (body.error === 'SALESFORCE_REAUTHORIZATION_REQUIRED' || body.error === 'SALESFORCE_NOT_CONNECTED') throw new SalesforceSessionError('REAUTHORIZATION_REQUIRED', why);
    if (response.status === 401) throw new Error(`connector-settings refused this service's token (${why}): check INTERNAL_SERVICE_TOKEN`);
    throw new SalesforceSessionError('UNAVAILABLE', `connector-settings: ${why}`);
  }
}

export interface SalesforceConnectionOptions {
  apiVersion: string;
  /** Sent as `Sforce-Call-Options: client=<name>` on writes, so our changes are recognisable. */
  clientName?: string;
}

/**
 * One connection's jsforce Connection. On `INVALID_SESSION_ID` jsforce calls `refreshFn`, which asks
 * connector-settings for a new session (naming the rejected token) and retries the call once. jsforce
 * wraps a failed refresh in a plain Error; the real reason is kept for `takeRefreshFailure`.
 */
export class SalesforceSessionHandle {
  private connection?: Connection;
  private current?: SalesforceSession;
  private refreshFailure?: SalesforceSessionError;

  constructor(
    readonly connectionId: string,
    private readonly sessions: ConnectorSettingsSessionClient,
    private readonly options: SalesforceConnectionOptions,
  ) {}

  async session(): Promise<SalesforceSession> {
    if (!this.current) this.current = await this.sessions.obtain(this.connectionId);
    return this.current;
  }

  async open(): Promise<Connection> {
    if (this.connection) return this.connection;
    const session = await this.session();
    this.connection = new Connection({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken,
      version: this.options.apiVersion,
      ...(this.options.clientName ? { callOptions: { client: this.options.clientName } } : {}),
      refreshFn: (conn, callback) => {
        this.sessions.obtain(this.connectionId, conn.accessToken ?? undefined).then(
          (fresh) => {
            this.current = fresh;
            this.refreshFailure = undefined;
            callback(null, fresh.accessToken);
          },
          (e: unknown) => {
            this.refreshFailure = e instanceof SalesforceSessionError ? e : new SalesforceSessionError('UNAVAILABLE', (e as Error).message);
            callback(e as Error);
          },
        );
      },
    });
    return this.connection;
  }

  /** The org's API usage from the last answer's Sforce-Limit-Info. */
  apiUsage(): { used: number; limit: number } | undefined {
    const usage = this.connection?.limitInfo?.apiUsage;
    return usage ? { used: usage.used, limit: usage.limit } : undefined;
  }

  /** Why the last refresh failed, once (then forgotten). */
  takeRefreshFailure(): SalesforceSessionError | undefined {
    const failure = this.refreshFailure;
    this.refreshFailure = undefined;
    return failure;
  }
}
