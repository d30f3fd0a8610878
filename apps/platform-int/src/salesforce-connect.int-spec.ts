import { createDecipheriv, randomBytes } from 'node:crypto';
import { authorizeInBrowser } from './support/salesforce';
import { ServiceProcess } from './support/service-process';
import { signUserToken, startConnectorSettingsWithSalesforce } from './support/users';
import { createDatabase, testEnv, uniqueId, withPg } from './support/stack';

const SECRET = 'connect-spec-secret-connect-spec-secret-00';
const KEY = randomBytes(32);
const SETTINGS_PAGE = 'http://settings.example.test/settings/crm/salesforce';

const sign = (sub: string, tenant: string) => signUserToken({ sub, tenant, secret: SECRET, zoneinfo: 'Europe/Lisbon' });

/** Opens a sealed token with the key the test gave the service: kid.iv.tag.body, AES-256-GCM. */
function openSealed(sealed: string): string {
  const [kid, iv, tag, body] = sealed.split('.');
  const decipher = createDecipheriv('aes-256-gcm', KEY, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

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
    fetch(`${service.url}${path}`, { ...init, redirect: 'manual', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

  const authorizeAs = (action: 'allow' | 'deny') =>
    authorizeInBrowser({ connectorSettings: service, sandboxUrl: sandbox.url, userToken: alice, username: 'rep@sandbox.test', action });

  const refreshAtSandbox = (token: string) =>
    fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: 'sandbox-client', client_secret: 'sandbox-secret' }),
    });

  beforeAll(async () => {
    databaseUrl = await createDatabase(testEnv.newDatabaseName('connect'));
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    ({ service } = await startConnectorSettingsWithSalesforce(sandbox, {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: SECRET,
      SETTINGS_PAGE_URL: SETTINGS_PAGE,
      TOKEN_ENCRYPTION_KEYS: `it1:${KEY.toString('base64')}`,
      TOKEN_ENCRYPTION_KEY_ID: 'it1',
    }));
    alice = await sign('alice', tenant);
    bob = await sign('bob', tenant);
  });

  afterAll(async () => {
    await service?.stop();
    await sandbox?.stop();
  });

  it('connects, ending on the settings page; the refresh token is sealed at rest, never returned or logged', async () => {
    const landed = await authorizeAs('allow');
    expect(landed.origin + landed.pathname).toBe(SETTINGS_PAGE);
    connectionId = landed.searchParams.get('connected') ?? '';
    expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);

    const list = await (await api('/v1/connections', alice)).text();
    expect(JSON.parse(list).items).toEqual([
      expect.objectContaining({ id: connectionId, timeZone: 'Europe/Lisbon', salesforce: expect.objectContaining({ username: 'rep@sandbox.test' }) }),
    ]);

    const { rows } = await withPg(databaseUrl, (c) => c.query(`SELECT refresh_token_sealed FROM connector_settings.connection WHERE id = $1`, [connectionId]));
    const sealed: string = rows[0].refresh_token_sealed;
    expect(sealed.startsWith('it1.')).toBe(true);
    refreshToken = openSealed(sealed);
    expect(sealed).not.toContain(refreshToken);
    // The sealed value is the real token (it refreshes at Salesforce); the stored text alone is not.
    expect((await refreshAtSandbox(refreshToken)).status).toBe(200);
    expect((await refreshAtSandbox(sealed)).status).toBe(400);
    expect(list).not.toContain(refreshToken);
    expect(service.rawOutput.join('\n')).not.toContain(refreshToken);
  });

  it('refuses a forged state and lands on the settings page with the reason when the user denies', async () => {
    const forged = await fetch(`${service.url}/v1/salesforce/oauth/callback?code=abc&state=eyJ0ZW5hbnRJZCI6Im1hbGxvcnkifQ.forged`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'INVALID_STATE' });
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
    expect(issued).toMatchObject({ connectionId, instanceUrl: sandbox.url, orgId: expect.stringMatching(/^00D/), userId: expect.stringMatching(/^005/) });
    // The token works at Salesforce, and the same one is handed out again (one session per connection).
    const identity = await fetch(`${sandbox.url}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
    expect(identity.status).toBe(200);
    const again = (await (await session('dev-only-reconciler-internal-token')).json()) as { accessToken: string };
    expect(again.accessToken).toBe(issued.accessToken);
    const renewed = (await (await session('dev-only-reconciler-internal-token', { rejectedAccessToken: issued.accessToken })).json()) as { accessToken: string };
    expect(renewed.accessToken).not.toBe(issued.accessToken);
    expect((await session('dev-only-sfdc-ingest-internal-token', { rejectedAccessToken: 42 })).status).toBe(400);
    const unknown = await fetch(`${service.url}/internal/v1/connections/00000000-0000-4000-8000-000000000000/salesforce-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev-only-sfdc-ingest-internal-token' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'CONNECTION_NOT_FOUND' });
    // Sealed at rest like the refresh token.
    const { rows } = await withPg(databaseUrl, (c) => c.query(`SELECT access_token_sealed FROM connector_settings.connection WHERE id = $1`, [connectionId]));
    expect(rows[0].access_token_sealed).toMatch(/^it1\./);
    expect(rows[0].access_token_sealed).not.toContain(renewed.accessToken);
  });

  it('disconnect revokes the token at Salesforce and deletes the connection; another user cannot', async () => {
    expect((await api(`/v1/connections/${connectionId}`, bob, { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/v1/connections/${connectionId}`, alice, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/v1/connections/${connectionId}`, alice)).status).toBe(404);
    expect((await refreshAtSandbox(refreshToken)).status).toBe(400);
    const { rows } = await withPg(databaseUrl, (c) => c.query(`SELECT count(*)::int AS n FROM connector_settings.connection`));
    expect(rows[0].n).toBe(0);
  });
});
