import { createDecipheriv, randomBytes } from 'node:crypto';
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

  /** What a browser does: the login page, the form, the redirects. Returns the final Location. */
  async function authorizeInBrowser(action: 'allow' | 'deny', password = 'sandbox'): Promise<URL> {
    const { authorizeUrl } = (await (await api('/v1/salesforce/connect', alice, { method: 'POST' })).json()) as { authorizeUrl: string };
    const page = new URL(authorizeUrl);
    expect(page.origin + page.pathname).toBe(`${sandbox.url}/services/oauth2/authorize`);
    expect((await fetch(page)).status).toBe(200);
    const form = new URLSearchParams({ ...Object.fromEntries(page.searchParams), username: 'rep@sandbox.test', password, action });
    const toCallback = await fetch(`${sandbox.url}/services/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(toCallback.status).toBe(302);
    const callback = new URL(toCallback.headers.get('location') ?? '');
    expect(callback.pathname).toBe('/v1/salesforce/oauth/callback');
    const toSettings = await fetch(callback, { redirect: 'manual' });
    expect(toSettings.status).toBe(302);
    return new URL(toSettings.headers.get('location') ?? '');
  }

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
    const landed = await authorizeInBrowser('allow');
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
    const denied = await authorizeInBrowser('deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
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
