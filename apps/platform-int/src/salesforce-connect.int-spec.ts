import { createHash, randomBytes } from 'node:crypto';
import {
  authorizeInBrowser,
  browserCookie,
  createDatabase,
  SalesforceAdmin,
  ServiceProcess,
  signUserToken,
  stopInOrder,
  withPg,
} from '@task-sync/testing-stack';
import { openSealedToken, startConnectorSettingsWithSalesforce } from './support/users';
import { testEnv, uniqueId } from './support/stack';

const SECRET = 'connect-spec-secret-connect-spec-secret-00';
const KEY = randomBytes(32);
const SETTINGS_PAGE = 'http://settings.example.test/settings/crm/salesforce';

const sign = (sub: string, tenant: string) => signUserToken({ sub, tenant, secret: SECRET, zoneinfo: 'Europe/Lisbon' });

/** Opens a sealed token with the key the test gave the service. */
const openSealed = (sealed: string): string => openSealedToken(sealed, KEY);

/** connector-settings on a database of its own, wired to the sandbox for OAuth, sealing with KEY. */
const startSealingService = async (sandbox: ServiceProcess, databaseName: string, env: Record<string, string> = {}) => {
  const databaseUrl = await createDatabase(testEnv.newDatabaseName(databaseName));
  const { service } = await startConnectorSettingsWithSalesforce(sandbox, {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: SECRET,
    TOKEN_ENCRYPTION_KEYS: `it1:${KEY.toString('base64')}`,
    TOKEN_ENCRYPTION_KEY_ID: 'it1',
    ...env,
  });
  return { databaseUrl, service };
};

/** A refresh-token grant at the sandbox, as our services make it. */
const refreshAt = (sandbox: ServiceProcess, token: string) =>
  fetch(`${sandbox.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    }),
  });

describe('connect Salesforce: the OAuth round trip through the Salesforce sandbox', () => {
  let sandbox: ServiceProcess;
  let service: ServiceProcess;
  let databaseUrl: string;
  const tenant = uniqueId('tenant');
  let alice: string;
  let bob: string;
  let connectionId = '';
  let refreshToken = '';

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${service.url}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });

  const authorizeAs = (action: 'allow' | 'deny') =>
    authorizeInBrowser({
      connectorSettings: service,
      sandboxUrl: sandbox.url,
      userToken: alice,
      username: 'rep@sandbox.test',
      action,
    });

  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    ({ databaseUrl, service } = await startSealingService(sandbox, 'connect', { SETTINGS_PAGE_URL: SETTINGS_PAGE }));
    alice = await sign('alice', tenant);
    bob = await sign('bob', tenant);
  });

  afterAll(() => stopInOrder(service, sandbox));

  it('connects, ending on the settings page; the refresh token is sealed at rest, never returned or logged', async () => {
    const landed = await authorizeAs('allow');
    expect(landed.origin + landed.pathname).toBe(SETTINGS_PAGE);
    connectionId = landed.searchParams.get('connected') ?? '';
    expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);

    const list = await (await api('/v1/connections', alice)).text();
    expect(JSON.parse(list).items).toEqual([
      expect.objectContaining({
        id: connectionId,
        timeZone: 'Europe/Lisbon',
        salesforce: expect.objectContaining({ username: 'rep@sandbox.test' }),
      }),
    ]);

    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT refresh_token_sealed FROM connector_settings.connection WHERE id = $1`, [connectionId]),
    );
    const sealed: string = rows[0].refresh_token_sealed;
    expect(sealed.startsWith('it1.')).toBe(true);
    refreshToken = openSealed(sealed);
    expect(sealed).not.toContain(refreshToken);
    // The sealed value is the real token (it refreshes at Salesforce); the stored text alone is not.
    expect((await refreshAt(sandbox, refreshToken)).status).toBe(200);
    expect((await refreshAt(sandbox, sealed)).status).toBe(400);
    expect(list).not.toContain(refreshToken);
    expect(service.rawOutput.join('\n')).not.toContain(refreshToken);
  });

  it('refuses a forged state and lands on the settings page with the reason when the user denies', async () => {
    const forged = await fetch(
      `${service.url}/v1/salesforce/oauth/callback?code=abc&state=eyJ0ZW5hbnRJZCI6Im1hbGxvcnkifQ.forged`,
      { redirect: 'manual' },
    );
    expect(forged.status).toBe(400);
    expect(await refusalCode(forged)).toBe('INVALID_STATE');
    const denied = await authorizeAs('deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
  });

  it('hands a Salesforce session only to a named service on the internal API, and a new one when Salesforce rejected the old', async () => {
    const session = (token?: string, body: object = {}) =>
      fetch(`${service.url}/internal/v1/connections/${connectionId}/salesforce-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await session()).status).toBe(401);
    expect((await session(alice)).status).toBe(401); // a user's token is not a service's
    expect((await session('dev-only-sfdc-ingest-internal-tokeN')).status).toBe(401);
    const first = await session('dev-only-sfdc-ingest-internal-token');
    expect(first.status).toBe(200);
    const issued = (await first.json()) as { accessToken: string; instanceUrl: string; orgId: string; userId: string };
    expect(issued).toMatchObject({
      connectionId,
      instanceUrl: sandbox.url,
      orgId: expect.stringMatching(/^00D/),
      userId: expect.stringMatching(/^005/),
    });
    // The token works at Salesforce, and the same one is handed out again (one session per connection).
    const identity = await fetch(`${sandbox.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${issued.accessToken}` },
    });
    expect(identity.status).toBe(200);
    const again = (await (await session('dev-only-reconciler-internal-token')).json()) as { accessToken: string };
    expect(again.accessToken).toBe(issued.accessToken);
    const renewed = (await (
      await session('dev-only-reconciler-internal-token', { rejectedAccessToken: issued.accessToken })
    ).json()) as { accessToken: string };
    expect(renewed.accessToken).not.toBe(issued.accessToken);
    expect((await session('dev-only-sfdc-ingest-internal-token', { rejectedAccessToken: 42 })).status).toBe(400);
    const unknown = await fetch(
      `${service.url}/internal/v1/connections/00000000-0000-4000-8000-000000000000/salesforce-session`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer dev-only-sfdc-ingest-internal-token' },
        body: '{}',
      },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'CONNECTION_NOT_FOUND' });
    // Sealed at rest like the refresh token.
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT access_token_sealed FROM connector_settings.connection WHERE id = $1`, [connectionId]),
    );
    expect(rows[0].access_token_sealed).toMatch(/^it1\./);
    expect(rows[0].access_token_sealed).not.toContain(renewed.accessToken);
  });

  it('disconnect revokes the token at Salesforce and deletes the connection; another user cannot', async () => {
    expect((await api(`/v1/connections/${connectionId}`, bob, { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/v1/connections/${connectionId}`, alice, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/v1/connections/${connectionId}`, alice)).status).toBe(404);
    expect((await refreshAt(sandbox, refreshToken)).status).toBe(400);
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT count(*)::int AS n FROM connector_settings.connection`),
    );
    expect(rows[0].n).toBe(0);
  });
});

/** The reason a refused callback's page gives (`<p id="reason" data-code="…">`), after checking it is a page. */
async function refusalCode(answer: Response): Promise<string | undefined> {
  expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  const page = await answer.text();
  expect(page).toContain('Salesforce was not connected');
  return /data-code="([A-Z_]+)"/.exec(page)?.[1];
}

/** The attempt a state names: its payload is base64url JSON before the MAC. */
const nonceOf = (authorizeUrl: string): string =>
  JSON.parse(Buffer.from((new URL(authorizeUrl).searchParams.get('state') ?? '').split('.')[0], 'base64url').toString())
    .nonce;

describe('connect Salesforce: a state works once, in the browser that started it, with PKCE', () => {
  let sandbox: ServiceProcess;
  let service: ServiceProcess;
  let admin: SalesforceAdmin;
  let databaseUrl: string;
  const tenant = uniqueId('tenant');
  let victim: string;
  let mallory: string;

  /** "Connect Salesforce" in a browser: the authorize URL and the cookie the browser now holds. */
  const startConnect = async (userToken: string, cookie = ''): Promise<{ authorizeUrl: string; cookie: string }> => {
    const answer = await fetch(`${service.url}/v1/salesforce/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userToken}`, ...(cookie ? { cookie } : {}) },
    });
    expect(answer.status).toBe(200);
    const { authorizeUrl } = (await answer.json()) as { authorizeUrl: string };
    return { authorizeUrl, cookie: browserCookie(answer) || cookie };
  };

  /** Salesforce's login page for that URL, as whoever signs in: where Salesforce sends the browser back. */
  const signInAtSalesforce = async (authorizeUrl: string, username: string): Promise<URL> => {
    const page = new URL(authorizeUrl);
    const form = new URLSearchParams({
      ...Object.fromEntries(page.searchParams),
      username,
      password: 'sandbox',
      action: 'allow',
    });
    const answer = await fetch(`${sandbox.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.get('location') ?? '');
  };

  const deliver = (callback: URL, cookie?: string) =>
    fetch(callback, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  const connectionsOf = async (userId: string) =>
    (
      await withPg(databaseUrl, (c) =>
        c.query(
          `SELECT id, sfdc_user_id, refresh_token_sealed, updated_at FROM connector_settings.connection WHERE tenant_id = $1 AND user_id = $2`,
          [tenant, userId],
        ),
      )
    ).rows;

  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    admin = new SalesforceAdmin(sandbox.url);
    const malloryOrgId = await admin.createOrg('Mallory Corp');
    await admin.createUser(malloryOrgId, 'mallory@mallory.test');
    ({ databaseUrl, service } = await startSealingService(sandbox, 'connect_state'));
    victim = await sign('victim', tenant);
    mallory = await sign('mallory', tenant);
  });

  afterAll(() => stopInOrder(service, sandbox));

  it('a used state is refused, replayed as it was or with a new authorization code, and the connection is not rewritten', async () => {
    const { authorizeUrl, cookie } = await startConnect(victim);
    const callback = await signInAtSalesforce(authorizeUrl, 'rep@sandbox.test');
    const connected = await deliver(callback, cookie);
    expect(connected.status).toBe(302);
    expect(new URL(connected.headers.get('location') ?? '').searchParams.get('connected')).toMatch(/^[0-9a-f-]{36}$/);
    const before = await connectionsOf('victim');
    expect(before).toHaveLength(1);

    expect(await refusalCode(await deliver(callback, cookie))).toBe('STATE_ALREADY_USED');
    // The used state with a fresh code from Salesforce, here for Mallory's own Salesforce user.
    const fresh = await signInAtSalesforce(authorizeUrl, 'mallory@mallory.test');
    expect(fresh.searchParams.get('code')).not.toBe(callback.searchParams.get('code'));
    expect(await refusalCode(await deliver(fresh, cookie))).toBe('STATE_ALREADY_USED');
    expect(await connectionsOf('victim')).toEqual(before);
  });

  it("a state issued to the victim, completed with Mallory's Salesforce login in another browser, is refused; the victim's own browser still finishes", async () => {
    const { authorizeUrl, cookie } = await startConnect(victim);
    const before = await connectionsOf('victim');
    // Mallory saw the authorize URL and signs in with her own org, in her own browser (no cookie of the victim's).
    const hers = await signInAtSalesforce(authorizeUrl, 'mallory@mallory.test');
    expect(await refusalCode(await deliver(hers))).toBe('OTHER_BROWSER');
    expect(await connectionsOf('victim')).toEqual(before);
    // Her browser holds a connect cookie of her own (she started her own connect as herself): still another browser.
    const own = await startConnect(mallory);
    expect(await refusalCode(await deliver(hers, own.cookie))).toBe('OTHER_BROWSER');
    expect(await connectionsOf('victim')).toEqual(before);
    expect(await connectionsOf('mallory')).toEqual([]);
    // Nothing was used up: the victim finishes in the browser that started the attempt.
    const mine = await signInAtSalesforce(authorizeUrl, 'rep@sandbox.test');
    expect((await deliver(mine, cookie)).status).toBe(302);
  });

  it('an expired attempt is refused and writes nothing', async () => {
    const { authorizeUrl, cookie } = await startConnect(mallory);
    await withPg(databaseUrl, (c) =>
      c.query(
        `UPDATE connector_settings.connect_attempt SET expires_at = now() - interval '1 second' WHERE nonce = $1`,
        [nonceOf(authorizeUrl)],
      ),
    );
    const callback = await signInAtSalesforce(authorizeUrl, 'mallory@mallory.test');
    expect(await refusalCode(await deliver(callback, cookie))).toBe('STATE_EXPIRED');
    expect(await connectionsOf('mallory')).toEqual([]);
  });

  it('PKCE: the authorize URL carries the S256 challenge of a verifier kept sealed on the server; the code is worthless without it', async () => {
    const { authorizeUrl } = await startConnect(mallory);
    const challenge = new URL(authorizeUrl).searchParams.get('code_challenge') ?? '';
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(`SELECT code_verifier_sealed, browser_hash FROM connector_settings.connect_attempt WHERE nonce = $1`, [
        nonceOf(authorizeUrl),
      ]),
    );
    const verifier = openSealed(rows[0].code_verifier_sealed);
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(rows[0].code_verifier_sealed).not.toContain(verifier);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);

    // Someone who intercepts the code (with the client secret, even) cannot exchange it without the verifier.
    const exchange = async (extra: Record<string, string>) => {
      const code = (await signInAtSalesforce(authorizeUrl, 'mallory@mallory.test')).searchParams.get('code') as string;
      const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri') as string;
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: 'sandbox-client',
        client_secret: 'sandbox-secret',
        redirect_uri: redirectUri,
        ...extra,
      });
      const answer = await fetch(`${sandbox.url}/services/oauth2/token`, { method: 'POST', body });
      return { status: answer.status, body: (await answer.json()) as { error?: string } };
    };
    expect(await exchange({})).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_grant' }) });
    expect(await exchange({ code_verifier: randomBytes(64).toString('base64url') })).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'invalid_grant' }),
    });
    expect((await exchange({ code_verifier: verifier })).status).toBe(200);
  });
});

describe('connect Salesforce: one connection per user, reconnect in place, start over only when confirmed (issue 22)', () => {
  let sandbox: ServiceProcess;
  let service: ServiceProcess;
  let databaseUrl: string;
  const tenant = uniqueId('tenant');
  const other = `${uniqueId('other')}@sandbox.test`;
  let carol: string;

  const connectAs = (username: string, startOver = false) =>
    authorizeInBrowser({
      connectorSettings: service,
      sandboxUrl: sandbox.url,
      userToken: carol,
      username,
      action: 'allow',
      startOver,
    });

  /** Carol's connections as stored, with their refresh tokens opened, and the setting's history and events. */
  const stored = () =>
    withPg(databaseUrl, async (c) => {
      const connections = (
        await c.query(
          `SELECT id, sfdc_username, task_sync_enabled, first_enabled_at, refresh_token_sealed, access_token_sealed FROM connector_settings.connection WHERE tenant_id = $1 AND user_id = 'carol'`,
          [tenant],
        )
      ).rows.map((r) => ({ ...r, refreshToken: openSealed(r.refresh_token_sealed) }));
      const history = (
        await c.query(`SELECT connection_id, kind FROM connector_settings.task_sync_change ORDER BY changed_at`)
      ).rows;
      const events = (
        await c.query(
          `SELECT payload FROM connector_settings.outbox_message WHERE topic = 'connector.settings-changes.v1' ORDER BY id`,
        )
      ).rows.map((r) => JSON.parse(r.payload) as { connectionId: string; kind: string });
      return { connections, history, events: events.map((e) => ({ connectionId: e.connectionId, kind: e.kind })) };
    });

  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    const admin = new SalesforceAdmin(sandbox.url);
    await admin.createUser((await admin.defaultOrg()).id, other);
    ({ databaseUrl, service } = await startSealingService(sandbox, 'reconnect', { SETTINGS_PAGE_URL: SETTINGS_PAGE }));
    carol = await sign('carol', tenant);
  });

  afterAll(() => stopInOrder(service, sandbox));

  it('reconnect: the same Salesforce user after a revoked grant keeps the connection, its setting and history; the grant is replaced and the old one revoked', async () => {
    const first = (await connectAs('rep@sandbox.test')).searchParams.get('connected') ?? '';
    const saved = await fetch(`${service.url}/v1/connections/${first}/task-sync`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(saved.status).toBe(200);
    const before = await stored();
    expect(before.connections).toHaveLength(1);
    // The grant is revoked at Salesforce (an admin did it in Setup, or the token expired by policy), and the services said so.
    expect(
      (
        await fetch(`${sandbox.url}/services/oauth2/revoke`, {
          method: 'POST',
          body: new URLSearchParams({ token: before.connections[0].refreshToken }),
        })
      ).status,
    ).toBe(200);
    await withPg(databaseUrl, (c) =>
      c.query(
        `INSERT INTO connector_settings.connection_status (connection_id, state, reported_at) VALUES ($1, 'unauthorized', now())`,
        [first],
      ),
    );
    const state = async () =>
      (
        (await (
          await fetch(`${service.url}/v1/connections/${first}/status`, {
            headers: { authorization: `Bearer ${carol}` },
          })
        ).json()) as { state: string }
      ).state;
    expect(await state()).toBe('unauthorized');

    const landed = await connectAs('rep@sandbox.test');
    expect(landed.origin + landed.pathname).toBe(SETTINGS_PAGE);
    expect(landed.searchParams.get('connected')).toBe(first);
    expect(landed.searchParams.get('reconnected')).toBe('1');
    expect(await state()).toBe('syncing');
    const after = await stored();
    expect(after.connections).toEqual([
      expect.objectContaining({
        id: first,
        task_sync_enabled: true,
        first_enabled_at: before.connections[0].first_enabled_at,
      }),
    ]);
    // The old grant's access token was dropped: the one stored now is the new grant's (the preflight at connect asked for it), and Salesforce takes it.
    const accessNow = openSealed(after.connections[0].access_token_sealed);
    expect(accessNow).not.toBe(openSealed(before.connections[0].access_token_sealed));
    expect(
      (await fetch(`${sandbox.url}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${accessNow}` } }))
        .status,
    ).toBe(200);
    // No enable, no event: nothing is imported again.
    expect(after.history).toEqual(before.history);
    expect(after.events).toEqual([{ connectionId: first, kind: 'first-enable' }]);
    const renewed = after.connections[0].refreshToken;
    expect(renewed).not.toBe(before.connections[0].refreshToken);
    expect((await refreshAt(sandbox, renewed)).status).toBe(200);

    // Reconnecting while the grant still works replaces it too, and revokes the one let go.
    expect((await connectAs('rep@sandbox.test')).searchParams.get('connected')).toBe(first);
    const again = await stored();
    expect(again.connections.map((c) => c.id)).toEqual([first]);
    expect((await refreshAt(sandbox, renewed)).status).toBe(400);
    expect((await refreshAt(sandbox, again.connections[0].refreshToken)).status).toBe(200);
  });

  it('another Salesforce user is refused without the confirmation: nothing changes; with it, the old connection is disconnected and a new one starts fresh', async () => {
    const before = await stored();
    expect(before.connections).toHaveLength(1);
    const [kept] = before.connections;

    const refused = await connectAs(other);
    expect(refused.origin + refused.pathname).toBe(SETTINGS_PAGE);
    expect(Object.fromEntries(refused.searchParams)).toEqual({
      error: 'other_salesforce_account',
      connectedAs: 'rep@sandbox.test',
      offeredAs: other,
    });
    expect(await stored()).toEqual(before);
    expect((await refreshAt(sandbox, kept.refreshToken)).status).toBe(200);
    const listed = (await (
      await fetch(`${service.url}/v1/connections`, { headers: { authorization: `Bearer ${carol}` } })
    ).json()) as { items: { id: string }[] };
    expect(listed.items.map((c) => c.id)).toEqual([kept.id]);

    const startedOver = await connectAs(other, true);
    const fresh = startedOver.searchParams.get('connected') ?? '';
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh).not.toBe(kept.id);
    const after = await stored();
    expect(after.connections).toEqual([
      expect.objectContaining({ id: fresh, sfdc_username: other, task_sync_enabled: false, first_enabled_at: null }),
    ]);
    // As Disconnect: the disable announced, the history gone with the connection, the old grant revoked.
    expect(after.events).toEqual([...before.events, { connectionId: kept.id, kind: 'disable' }]);
    expect(after.history).toEqual([]);
    expect((await refreshAt(sandbox, kept.refreshToken)).status).toBe(400);
  });

  it('one connection per user and tenant, whatever races: the database refuses a second', async () => {
    const error = await withPg(databaseUrl, (c) =>
      c
        .query(
          `INSERT INTO connector_settings.connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url)
           VALUES ($1, 'carol', 'UTC', '00D000000000009AAA', '005000000000009AAA', 'x@example.test', 'https://example.test')`,
          [tenant],
        )
        .then(
          () => null,
          (e: { constraint?: string }) => e.constraint,
        ),
    );
    expect(error).toBe('connection_one_per_user');
  });
});
