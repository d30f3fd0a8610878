import { randomBytes } from 'node:crypto';
import {
  authorizeInBrowser,
  connectSalesforceAsUser,
  deliverCallbackInBrowser,
  SalesforceAdmin,
  ServiceProcess,
  signUserToken,
  waitFor,
  withPg,
} from '@task-sync/testing-stack';
import { ADMIN_ROLE, ORG_READER_CONNECT, SalesforceStack } from './support/salesforce-stack';
import { openSealedToken } from './support/users';
import { uniqueId, useKafkaClients } from './support/stack';

const SECRET = 'reader-spec-secret-reader-spec-secret-000';
const KEY = randomBytes(32);
const SETTINGS_PAGE = 'http://settings.example.test/settings/crm/salesforce';
const SERVICE_TOKEN = 'dev-only-sfdc-ingest-internal-token';

interface PreflightItem {
  key: string;
  state: 'ok' | 'missing';
  message: string;
}
interface ReaderView {
  orgId: string;
  sfdcUserId: string;
  sfdcUsername: string;
  connected: boolean;
  preflight: { passed: boolean; checkedAt: string; items: PreflightItem[] } | null;
}
interface ReadMode {
  mode: 'org-stream' | 'per-rep-polling';
  reader?: string;
  reason: string;
}

/** Opens a sealed token with the key the test gave the service. */
const openSealed = (sealed: string): string => openSealedToken(sealed, KEY);

const stateOf = (reader: ReaderView | undefined) =>
  Object.fromEntries((reader?.preflight?.items ?? []).map((i) => [i.key, i.state]));

// Issue 20.
describe("the org's reader: connect as admin, preflight against the Salesforce sandbox, the internal reader session, the reps' read mode", () => {
  const kafka = useKafkaClients();
  let stack: SalesforceStack;
  let sandbox: ServiceProcess;
  let service: ServiceProcess;
  let sf: SalesforceAdmin;
  let databaseUrl: string;
  let orgId: string;
  let integrationUserId: string;
  const tenant = uniqueId('tenant');
  let admin: string;
  let rep: string;
  let otherTenantAdmin: string;
  let repConnectionId: string;

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${service.url}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const json = async <T>(answer: Promise<Response>): Promise<T> => (await answer).json() as Promise<T>;
  const readers = async () => (await json<{ items: ReaderView[] }>(api('/v1/salesforce/org-reader', admin))).items;
  const checkAgain = () =>
    json<ReaderView>(api(`/v1/salesforce/org-reader/${orgId}/preflight`, admin, { method: 'POST' }));
  const readModeOfRep = async () =>
    (await json<{ items: { readMode: ReadMode }[] }>(api('/v1/connections', rep))).items[0].readMode;
  const internal = (path: string, init: RequestInit = {}, token = SERVICE_TOKEN) =>
    fetch(`${service.url}/internal/v1${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
  const readerSession = (body: object = {}) =>
    internal(`/orgs/${orgId}/reader-session`, { method: 'POST', body: JSON.stringify(body) });
  /** What an admin's browser does on "Connect the org reader", signing in as the sandbox's administrator. */
  const readerConnect = (userToken: string) => ({
    connectorSettings: service,
    sandboxUrl: sandbox.url,
    userToken,
    username: 'admin@sandbox.test',
    action: 'allow' as const,
    connectPath: ORG_READER_CONNECT,
  });
  const asReader = (session: { instanceUrl: string; accessToken: string }, soql: string) =>
    fetch(`${session.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });

  beforeAll(async () => {
    stack = await SalesforceStack.start(kafka.admin, {
      database: 'org_reader',
      jwtSecret: SECRET,
      env: {
        SETTINGS_PAGE_URL: SETTINGS_PAGE,
        TOKEN_ENCRYPTION_KEYS: `it1:${KEY.toString('base64')}`,
        TOKEN_ENCRYPTION_KEY_ID: 'it1',
        // The background preflight looks every 10 s for readers checked more than 10 s ago.
        ORG_READER_PREFLIGHT_INTERVAL_SECONDS: '10',
      },
    });
    ({ databaseUrl, sandbox, sf, orgId, settings: service } = stack);
    // The sandbox's administrator (View All Data) is the org's integration user here.
    integrationUserId = await stack.adminUserId();
    admin = await signUserToken({ sub: 'ada', tenant, secret: SECRET, roles: [ADMIN_ROLE] });
    rep = await signUserToken({ sub: 'rex', tenant, secret: SECRET, zoneinfo: 'Europe/Lisbon' });
    otherTenantAdmin = await signUserToken({
      sub: 'oscar',
      tenant: uniqueId('other-tenant'),
      secret: SECRET,
      roles: [ADMIN_ROLE],
    });
  });

  afterAll(() => stack?.stop());

  it('the org reader is for admins: a token without the admin role gets 403 ADMIN_ROLE_REQUIRED on every route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/salesforce/org-reader'],
      ['POST', ORG_READER_CONNECT],
      ['POST', `/v1/salesforce/org-reader/${orgId}/preflight`],
      ['DELETE', `/v1/salesforce/org-reader/${orgId}`],
    ]) {
      const answer = await api(path, rep, { method });
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
      expect(await answer.json()).toMatchObject({
        error: 'ADMIN_ROLE_REQUIRED',
        message: expect.stringContaining(ADMIN_ROLE),
      });
    }
    expect(await readers()).toEqual([]);
  });

  it('a rep connected before there is a reader polls with their own session, and says why', async () => {
    repConnectionId = await connectSalesforceAsUser({
      connectorSettings: service,
      sandboxUrl: sandbox.url,
      userToken: rep,
      username: 'rep@sandbox.test',
    });
    expect(await readModeOfRep()).toEqual({
      mode: 'per-rep-polling',
      reason: expect.stringContaining('no org reader'),
    });
  });

  it('an admin connects the reader through the OAuth flow; its grant is sealed, and the preflight has run by the time the browser is back', async () => {
    const landed = await authorizeInBrowser(readerConnect(admin));
    expect(landed.origin + landed.pathname).toBe(SETTINGS_PAGE);
    expect(landed.searchParams.get('orgReader')).toBe(orgId);
    expect(landed.searchParams.get('connected')).toBeNull();

    const [reader] = await readers();
    expect(reader).toMatchObject({
      orgId,
      sfdcUserId: integrationUserId,
      sfdcUsername: 'admin@sandbox.test',
      connected: true,
      preflight: { passed: true },
    });
    expect(stateOf(reader)).toEqual({
      'view-all-data': 'ok',
      'task-change-data-capture': 'ok',
      'external-id-field': 'ok',
    });

    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(
        `SELECT tenant_id, connected_by_user_id, refresh_token_sealed FROM connector_settings.org_reader WHERE sfdc_org_id = $1`,
        [orgId],
      ),
    );
    expect(rows).toEqual([
      { tenant_id: tenant, connected_by_user_id: 'ada', refresh_token_sealed: expect.stringMatching(/^it1\./) },
    ]);
    expect(rows[0].refresh_token_sealed).not.toContain(openSealed(rows[0].refresh_token_sealed));
    expect(service.rawOutput.join('\n')).not.toContain(openSealed(rows[0].refresh_token_sealed));
    // The reader's grant made no connection: the admin has none, the rep still has theirs alone.
    expect((await json<{ items: unknown[] }>(api('/v1/connections', admin))).items).toEqual([]);
    const { rows: connections } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT id FROM connector_settings.connection`),
    );
    expect(connections).toEqual([{ id: repConnectionId }]);
  });

  it("the rep's sync now reads the org stream through the reader, on the connection and status routes", async () => {
    // No sfdc-ingest runs here: no stream has been reported yet.
    expect(await readModeOfRep()).toEqual({
      mode: 'org-stream',
      reader: 'admin@sandbox.test',
      reason: expect.stringContaining('admin@sandbox.test'),
      stream: null,
    });
    const status = await json<{ readMode: ReadMode }>(api(`/v1/connections/${repConnectionId}/status`, rep));
    expect(status.readMode).toMatchObject({ mode: 'org-stream', reader: 'admin@sandbox.test' });
  });

  it('hands the reader session to a named service, the same one until Salesforce rejects it; the reader route says whether the org can be read', async () => {
    expect(
      (await internal(`/orgs/${orgId}/reader-session`, { method: 'POST', body: '{}' }, 'not-a-service-token-000000000'))
        .status,
    ).toBe(401);
    expect(
      (
        await fetch(`${service.url}/internal/v1/orgs/${orgId}/reader-session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}` },
        })
      ).status,
    ).toBe(401);

    const first = await readerSession();
    expect(first.status).toBe(200);
    const session = (await first.json()) as {
      orgId: string;
      userId: string;
      instanceUrl: string;
      accessToken: string;
      connectionId?: string;
    };
    expect(session).toEqual({
      orgId,
      userId: integrationUserId,
      instanceUrl: sandbox.url,
      accessToken: expect.any(String),
    });
    // It is the integration user's session: it has View All Data, the rep's would not.
    const perms = (await (
      await asReader(session, 'SELECT PermissionsViewAllData FROM UserPermissionAccess')
    ).json()) as { records: { PermissionsViewAllData: boolean }[] };
    expect(perms.records[0].PermissionsViewAllData).toBe(true);

    expect(((await (await readerSession()).json()) as { accessToken: string }).accessToken).toBe(session.accessToken);
    const renewed = (await (await readerSession({ rejectedAccessToken: session.accessToken })).json()) as {
      accessToken: string;
    };
    expect(renewed.accessToken).not.toBe(session.accessToken);
    expect((await readerSession({ rejectedAccessToken: 42 })).status).toBe(400);

    const status = await internal(`/orgs/${orgId}/reader`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({
      orgId,
      connected: true,
      sfdcUserId: integrationUserId,
      preflight: expect.objectContaining({ passed: true }),
    });
    // The 15-character form of the org id names the same org.
    expect((await internal(`/orgs/${orgId.slice(0, 15)}/reader`)).status).toBe(200);
    for (const unknown of ['00D000000000999AAA', 'not-an-org-id']) {
      const answer = await internal(`/orgs/${unknown}/reader`);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ error: 'ORG_READER_NOT_FOUND' });
      expect((await internal(`/orgs/${unknown}/reader-session`, { method: 'POST', body: '{}' })).status).toBe(404);
    }
  });

  it('the preflight reports each missing item as Salesforce answers it, and the reps go back to polling until it passes again', async () => {
    await sf.setTaskChangeDataCapture(orgId, false);
    let reader = await checkAgain();
    expect(reader.preflight?.passed).toBe(false);
    expect(stateOf(reader)).toEqual({
      'view-all-data': 'ok',
      'task-change-data-capture': 'missing',
      'external-id-field': 'ok',
    });
    expect(reader.preflight?.items[1].message).toMatch(/Setup → Change Data Capture/);
    expect(await readModeOfRep()).toEqual({
      mode: 'per-rep-polling',
      reason: expect.stringContaining('Change Data Capture for Task'),
    });

    await sf.setViewAllData(orgId, integrationUserId, false);
    await sf.hideTaskFields(orgId, integrationUserId, ['SalesConnect_Task_Id__c']);
    reader = await checkAgain();
    expect(stateOf(reader)).toEqual({
      'view-all-data': 'missing',
      'task-change-data-capture': 'missing',
      'external-id-field': 'missing',
    });
    expect(reader.preflight?.items.map((i) => i.message).join('\n')).toMatch(
      /lacks View All Data[\s\S]*field-level security/,
    );

    await sf.setTaskChangeDataCapture(orgId, true);
    await sf.setViewAllData(orgId, integrationUserId, true);
    await sf.hideTaskFields(orgId, integrationUserId, []);
    expect((await checkAgain()).preflight?.passed).toBe(true);
    expect((await readModeOfRep()).mode).toBe('org-stream');
    // The internal route carries the same preflight.
    expect(
      ((await (await internal(`/orgs/${orgId}/reader`)).json()) as { preflight: { passed: boolean } }).preflight.passed,
    ).toBe(true);
  });

  it('the preflight runs again by itself once the last one is an interval old', async () => {
    const before = (await readers())[0].preflight?.checkedAt as string;
    await sf.setTaskChangeDataCapture(orgId, false);
    const rerun = await waitFor(
      'the background preflight',
      async () => {
        const [reader] = await readers();
        return reader.preflight && reader.preflight.checkedAt > before ? reader : undefined;
      },
      45_000,
    );
    expect(stateOf(rerun)['task-change-data-capture']).toBe('missing');
    await sf.setTaskChangeDataCapture(orgId, true);
    expect((await checkAgain()).preflight?.passed).toBe(true);
  });

  it("one reader per org: another tenant's admin connecting the same org gets 409 and changes nothing", async () => {
    const answer = await deliverCallbackInBrowser(readerConnect(otherTenantAdmin));
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await answer.text()).toContain('data-code="ORG_READER_HELD_ELSEWHERE"');
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT tenant_id, connected_by_user_id FROM connector_settings.org_reader`),
    );
    expect(rows).toEqual([{ tenant_id: tenant, connected_by_user_id: 'ada' }]);
    // The other tenant sees no reader, and cannot check or remove this one.
    expect((await json<{ items: unknown[] }>(api('/v1/salesforce/org-reader', otherTenantAdmin))).items).toEqual([]);
    expect(
      (await api(`/v1/salesforce/org-reader/${orgId}/preflight`, otherTenantAdmin, { method: 'POST' })).status,
    ).toBe(404);
    expect((await api(`/v1/salesforce/org-reader/${orgId}`, otherTenantAdmin, { method: 'DELETE' })).status).toBe(404);
  });

  it('a setting change announces the connection’s Salesforce org and user, for routing the org’s changes to it', async () => {
    expect(
      (
        await api(`/v1/connections/${repConnectionId}/task-sync`, rep, {
          method: 'PUT',
          body: JSON.stringify({ enabled: true }),
        })
      ).status,
    ).toBe(200);
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT payload FROM connector_settings.outbox_message WHERE message_key LIKE $1`, [
        `${repConnectionId}%`,
      ]),
    );
    const events = rows.map(
      (r: { payload: string }) => JSON.parse(r.payload) as { sfdcOrgId?: string; sfdcUserId?: string; kind: string },
    );
    expect(events).toEqual([
      expect.objectContaining({ kind: 'first-enable', sfdcOrgId: orgId, sfdcUserId: expect.stringMatching(/^005/) }),
    ]);
  });

  it("when Salesforce refuses the reader's grant, the reader is marked disconnected and the reps poll", async () => {
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT refresh_token_sealed FROM connector_settings.org_reader WHERE sfdc_org_id = $1`, [orgId]),
    );
    const refreshToken = openSealed(rows[0].refresh_token_sealed);
    const current = (await (await readerSession()).json()) as { accessToken: string };
    // Revoked at Salesforce (an admin of the org did it in Setup): its sessions die with it.
    expect(
      (
        await fetch(`${sandbox.url}/services/oauth2/revoke`, {
          method: 'POST',
          body: new URLSearchParams({ token: refreshToken }),
        })
      ).status,
    ).toBe(200);
    const refused = await readerSession({ rejectedAccessToken: current.accessToken });
    expect(refused.status).toBe(409);
    // REAUTHORIZATION_REQUIRED from this refresh; NOT_CONNECTED if the background preflight met the refusal first.
    expect(await refused.json()).toMatchObject({
      error: expect.stringMatching(/^SALESFORCE_(REAUTHORIZATION_REQUIRED|NOT_CONNECTED)$/),
    });
    expect(await (await internal(`/orgs/${orgId}/reader`)).json()).toMatchObject({ orgId, connected: false });
    expect((await readerSession()).status).toBe(409);
    expect((await readers())[0]).toMatchObject({ connected: false, revokedAt: expect.any(String) });
    expect(await readModeOfRep()).toEqual({
      mode: 'per-rep-polling',
      reason: expect.stringContaining('connect it again'),
    });
  });

  it('an admin reconnects the reader, then disconnects it: the grant is revoked at Salesforce and the org has no reader', async () => {
    await authorizeInBrowser(readerConnect(admin));
    expect((await readers())[0]).toMatchObject({ connected: true, revokedAt: null, preflight: { passed: true } });
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT refresh_token_sealed FROM connector_settings.org_reader WHERE sfdc_org_id = $1`, [orgId]),
    );
    const refreshToken = openSealed(rows[0].refresh_token_sealed);

    expect((await api(`/v1/salesforce/org-reader/${orgId}`, admin, { method: 'DELETE' })).status).toBe(204);
    expect(await readers()).toEqual([]);
    expect((await internal(`/orgs/${orgId}/reader`)).status).toBe(404);
    const refresh = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'sandbox-client',
        client_secret: 'sandbox-secret',
      }),
    });
    expect(refresh.status).toBe(400);
    expect(await readModeOfRep()).toEqual({
      mode: 'per-rep-polling',
      reason: expect.stringContaining('no org reader'),
    });
    expect((await api(`/v1/salesforce/org-reader/${orgId}`, admin, { method: 'DELETE' })).status).toBe(404);
  });
});
