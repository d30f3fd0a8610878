import { Connection } from 'jsforce';

/** What every session gives, whoever holds the grant: the org, the user, where and with which token to call. */
export interface SalesforceAccess {
  orgId: string;
  userId: string;
  instanceUrl: string;
  accessToken: string;
}

/**
 * A connection's Salesforce session as connector-settings hands it to our services on its internal
 * API (`POST /internal/v1/connections/{id}/salesforce-session`). The refresh token never leaves it.
 */
export interface SalesforceSession extends SalesforceAccess {
  connectionId: string;
}

/**
 * An org reader's session (`POST /internal/v1/orgs/{orgId}/reader-session`): the integration user
 * who reads the org's changes. The same answers and refresh semantics as a connection's, without one.
 */
export type OrgReaderSession = SalesforceAccess;

/** What connector-settings says of an org's reader (`GET /internal/v1/orgs/{orgId}/reader`). */
export interface OrgReaderStatus {
  orgId: string;
  /** The grant is held; false once Salesforce refused it (an admin must connect the reader again). */
  connected: boolean;
  sfdcUserId: string;
  /** The last preflight (View All Data, Task selected for Change Data Capture, …), or null before the first. */
  preflight: { passed: boolean } | null;
}

export type SalesforceSessionErrorCode =
  /** connector-settings has no such connection (deleted, or an id that cannot be one). */
  | 'CONNECTION_NOT_FOUND'
  /** connector-settings has no reader for the org (never connected, or an admin removed it). */
  | 'ORG_READER_NOT_FOUND'
  /** The grant is gone (refresh refused, never connected): only the user can fix it. */
  | 'REAUTHORIZATION_REQUIRED'
  /**
   * The connection's preflight found the org or the rep not ready (no external-id field, hidden,
   * not Unique, no Task access): its reads and writes pause until a later preflight passes.
   */
  | 'SETUP_INCOMPLETE'
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

/** Asks connector-settings for a connection's or an org reader's Salesforce session, with this service's token. */
export class ConnectorSettingsSessionClient {
  constructor(
    private readonly baseUrl: string,
    private readonly serviceToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** `rejectedAccessToken`: the token Salesforce just refused, so a fresh one is needed. */
  obtain(connectionId: string, rejectedAccessToken?: string): Promise<SalesforceSession> {
    // 404, or 400 for an id that cannot be a connection's: there is nothing to reach for it.
    return this.postForSession<SalesforceSession>(
      `/internal/v1/connections/${encodeURIComponent(connectionId)}/salesforce-session`,
      rejectedAccessToken,
      'CONNECTION_NOT_FOUND',
    );
  }

  /** The org reader's session (`orgId` in its 15- or 18-character form), with the same refresh semantics. */
  obtainOrgReaderSession(orgId: string, rejectedAccessToken?: string): Promise<OrgReaderSession> {
    return this.postForSession<OrgReaderSession>(
      `/internal/v1/orgs/${encodeURIComponent(orgId)}/reader-session`,
      rejectedAccessToken,
      'ORG_READER_NOT_FOUND',
    );
  }

  /** Whether the org has a reader and whether it is connected; null when it has none. */
  async orgReader(orgId: string): Promise<OrgReaderStatus | null> {
    const response = await this.request(`/internal/v1/orgs/${encodeURIComponent(orgId)}/reader`, { method: 'GET' });
    if (response.status === 404 || response.status === 400) return null;
    const body = (await response.json().catch(() => ({}))) as OrgReaderStatus & { error?: string; message?: string };
    if (response.ok) return body;
    if (response.status === 401) throw refusedServiceToken(`${body.error ?? 401}: ${body.message ?? ''}`);
    throw new SalesforceSessionError(
      'UNAVAILABLE',
      `connector-settings: ${body.error ?? response.status}: ${body.message ?? ''}`,
    );
  }

  private async postForSession<T>(
    path: string,
    rejectedAccessToken: string | undefined,
    notFound: SalesforceSessionErrorCode,
  ): Promise<T> {
    const response = await this.request(path, {
      method: 'POST',
      body: JSON.stringify(rejectedAccessToken ? { rejectedAccessToken } : {}),
    });
    const body = (await response.json().catch(() => ({}))) as T & { error?: string; message?: string };
    if (response.ok) return body;
    const why = `${body.error ?? response.status}: ${body.message ?? ''}`;
    if (response.status === 404 || response.status === 400) throw new SalesforceSessionError(notFound, why);
    if (body.error === 'SALESFORCE_REAUTHORIZATION_REQUIRED' || body.error === 'SALESFORCE_NOT_CONNECTED')
      throw new SalesforceSessionError('REAUTHORIZATION_REQUIRED', why);
    if (body.error === 'SALESFORCE_SETUP_INCOMPLETE') throw new SalesforceSessionError('SETUP_INCOMPLETE', why);
    if (response.status === 401) throw refusedServiceToken(why);
    throw new SalesforceSessionError('UNAVAILABLE', `connector-settings: ${why}`);
  }

  private async request(path: string, init: { method: string; body?: string }): Promise<Response> {
    try {
      return await fetch(new URL(path, this.baseUrl), {
        ...init,
        headers: { authorization: `Bearer ${this.serviceToken}`, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new SalesforceSessionError('UNAVAILABLE', `connector-settings did not answer: ${(e as Error).message}`);
    }
  }
}

const refusedServiceToken = (why: string) =>
  new Error(`connector-settings refused this service's token (${why}): check INTERNAL_SERVICE_TOKEN`);

/** Where a handle gets its session: connector-settings' internal API, for a connection or for an org's reader. */
export interface SalesforceSessionSource {
  obtain(holderId: string, rejectedAccessToken?: string): Promise<SalesforceAccess>;
}

/** `admit` throws to hold a call; `whenKnown` runs as the handle opens, so no first call goes blind. */
export interface ApiCallGate {
  whenKnown(orgId: string): Promise<void>;
  admit(orgId: string): void;
  observeUsage(orgId: string, usage: { used: number; limit: number }): void;
}

export interface SalesforceConnectionOptions {
  apiVersion: string;
  /** Sent as `Sforce-Call-Options: client=<name>` on writes, so our changes are recognisable. */
  clientName?: string;
  /** Every call this handle's connection makes goes through it (see `countCalls`). */
  calls?: ApiCallGate;
}

/**
 * jsforce wraps a failed refresh (after `INVALID_SESSION_ID`) in a plain Error, so the real reason is
 * kept for `takeRefreshFailure`.
 */
export class SalesforceSessionHandle {
  private connection?: Connection;
  private current?: SalesforceAccess;
  private refreshFailure?: SalesforceSessionError;

  /** `holderId`: the connection (or, through `forOrgReader`, the org) whose session this is. */
  constructor(
    private readonly holderId: string,
    private readonly sessions: SalesforceSessionSource,
    private readonly options: SalesforceConnectionOptions,
  ) {}

  /** The org reader's session: the integration user who reads the org's changes (read-only use). */
  static forOrgReader(
    orgId: string,
    sessions: ConnectorSettingsSessionClient,
    options: SalesforceConnectionOptions,
  ): SalesforceSessionHandle {
    return new SalesforceSessionHandle(
      orgId,
      { obtain: (id, rejected) => sessions.obtainOrgReaderSession(id, rejected) },
      options,
    );
  }

  async session(): Promise<SalesforceAccess> {
    if (!this.current) this.current = await this.sessions.obtain(this.holderId);
    return this.current;
  }

  /**
   * A new session after Salesforce refused `rejectedAccessToken` (jsforce's refresh, and the
   * change feed's 401 on the Streaming API, whose client carries its token from creation).
   */
  async renewSession(rejectedAccessToken?: string): Promise<SalesforceAccess> {
    try {
      this.current = await this.sessions.obtain(this.holderId, rejectedAccessToken);
    } catch (e) {
      throw e instanceof SalesforceSessionError ? e : new SalesforceSessionError('UNAVAILABLE', (e as Error).message);
    }
    if (this.connection) followInstance(this.connection, this.current.instanceUrl);
    return this.current;
  }

  async open(): Promise<Connection> {
    const session = await this.session();
    await this.options.calls?.whenKnown(session.orgId);
    if (this.connection) return this.connection;
    this.connection = new Connection({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken,
      version: this.options.apiVersion,
      ...(this.options.clientName ? { callOptions: { client: this.options.clientName } } : {}),
      refreshFn: (conn, callback) => {
        this.renewSession(conn.accessToken ?? undefined).then(
          (fresh) => {
            this.refreshFailure = undefined;
            callback(null, fresh.accessToken);
          },
          (e: SalesforceSessionError) => {
            this.refreshFailure = e;
            callback(e);
          },
        );
      },
    });
    retryAtMovedInstance(this.connection);
    if (this.options.calls) countCalls(this.connection, session.orgId, this.options.calls);
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

/** The instance URLs a connection's calls moved away from (an org migration, a My Domain change). */
const movedFrom = new WeakMap<Connection, Set<string>>();

/**
 * A renewed session may name another instance URL: Salesforce says so only in a token answer, and the
 * old one answers INVALID_SESSION_ID from then on. Every later call goes to the new one.
 */
function followInstance(conn: Connection, instanceUrl: string): void {
  if (conn.instanceUrl === instanceUrl) return;
  movedFrom.get(conn)?.add(conn.instanceUrl);
  conn.instanceUrl = instanceUrl;
}

/**
 * jsforce replays a call refused for its session with the URL it built before the refresh; after a
 * move that is the old instance, which refuses it again (and jsforce would refresh again, endlessly).
 * Its transport sends such a replay to the connection's current instance instead.
 */
function retryAtMovedInstance(conn: Connection): void {
  const moved = new Set<string>();
  movedFrom.set(conn, moved);
  const transport = conn._transport;
  const send = transport.httpRequest.bind(transport);
  transport.httpRequest = ((req: Parameters<typeof send>[0], options?: Parameters<typeof send>[1]) => {
    const old = [...moved].find((url) => req.url.startsWith(`${url}/`));
    return send(old === undefined ? req : { ...req, url: conn.instanceUrl + req.url.slice(old.length) }, options);
  }) as typeof transport.httpRequest;
}

/**
 * Every REST call jsforce makes goes through `Connection.request`, once per HTTP call (our retries
 * included; jsforce's replay after a session refresh is not), so the gate counts there.
 */
function countCalls(conn: Connection, orgId: string, gate: ApiCallGate): void {
  const request = conn.request.bind(conn) as Connection['request'];
  conn.request = ((req: Parameters<Connection['request']>[0], options?: Parameters<Connection['request']>[1]) => {
    gate.admit(orgId);
    const sent = request(req, options);
    const observe = () => {
      const usage = conn.limitInfo?.apiUsage;
      if (usage) gate.observeUsage(orgId, { used: usage.used, limit: usage.limit });
    };
    // A side branch: the caller still gets jsforce's own promise (and its stream()).
    sent.then(observe, observe);
    return sent;
  }) as Connection['request'];
}
