import { Connection } from 'jsforce';
import { API_VERSION, errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

/** Walks the login-and-consent page as a browser would and returns the redirect's query. */
async function authorizeInBrowser(
  h: Harness,
  redirectUri: string,
  state: string,
  credentials = { username: 'rep@sandbox.test', password: 'sandbox' },
  oauth = new Connection({
    oauth2: { loginUrl: h.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', redirectUri },
  }).oauth2,
): Promise<URLSearchParams> {
  const page = await fetch(oauth.getAuthorizationUrl({ state, scope: 'api refresh_token' }));
  expect(page.status).toBe(200);
  const html = await page.text();
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1],
      m[2].replace(/&amp;/g, '&'),
    ]),
  );
  const form = new URLSearchParams({ ...hidden, ...credentials, action: 'allow' });
  const answer = await fetch(`${h.url}/services/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location') as string);
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  return location.searchParams;
}

describe('OAuth 2.0 as Salesforce does it', () => {
  let h: Harness;
  const redirectUri = 'http://127.0.0.1:3000/oauth/salesforce/callback';
  beforeAll(async () => {
    h = await startHarness({ tokenTtlSeconds: 60 });
  });
  afterAll(() => h.close());

  /** The token endpoint's answer to an authorization code of this flow (client secret, no verifier). */
  const exchangeCode = (code: string) =>
    fetch(`${h.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: 'sandbox-client',
        client_secret: 'sandbox-secret',
        redirect_uri: redirectUri,
      }),
    });

  /** A jsforce connection for this client's authorization-code flow (`useVerifier`: with PKCE). */
  const codeFlowConnection = (useVerifier = false) =>
    new Connection({
      version: API_VERSION,
      oauth2: {
        loginUrl: h.url,
        clientId: 'sandbox-client',
        clientSecret: 'sandbox-secret',
        redirectUri,
        ...(useVerifier ? { useVerifier: true } : {}),
      },
    });

  it('password grant through jsforce login with oauth2 options gives instance_url and an id url naming org and user', async () => {
    const conn = await h.login();
    expect(conn.instanceUrl).toBe(h.url);
    expect(conn.userInfo).toEqual({
      id: h.sandbox.defaults.userId,
      organizationId: h.sandbox.defaults.orgId,
      url: `${h.url}/id/${h.sandbox.defaults.orgId}/${h.sandbox.defaults.userId}`,
    });
    expect(conn.accessToken).toMatch(/^00D[A-Za-z0-9]{12}!/);
    expect(h.sandbox.defaults.orgId).toHaveLength(18);
  });

  it('a wrong password is invalid_grant, an unknown client invalid_client_id', async () => {
    expect((await errorOf(h.login('rep@sandbox.test', 'nope'))).name).toBe('invalid_grant');
    const conn = new Connection({ loginUrl: h.url, oauth2: { loginUrl: h.url, clientId: 'who', clientSecret: 'x' } });
    expect((await errorOf(conn.login('rep@sandbox.test', 'sandbox'))).name).toBe('invalid_client_id');
  });

  it('authorization code: the login page redirects back with code and state; the token answer has every field', async () => {
    const query = await authorizeInBrowser(h, redirectUri, 'xyz-42');
    expect(query.get('state')).toBe('xyz-42');
    const raw = await exchangeCode(query.get('code') as string);
    const token = (await raw.json()) as Record<string, string>;
    expect(Object.keys(token).sort()).toEqual([
      'access_token',
      'id',
      'instance_url',
      'issued_at',
      'refresh_token',
      'scope',
      'signature',
      'token_type',
    ]);
    expect(token.id).toBe(`${h.url}/id/${h.sandbox.defaults.orgId}/${h.sandbox.defaults.userId}`);
    expect(Number(token.issued_at)).toBeGreaterThan(0);
    // A code is good once.
    const again = await exchangeCode(query.get('code') as string);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('a wrong password on the login page shows the page again; Deny redirects with access_denied', async () => {
    await expect(
      authorizeInBrowser(h, redirectUri, 's', { username: 'rep@sandbox.test', password: 'bad' }),
    ).rejects.toThrow();
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: 'sandbox-client',
      redirect_uri: redirectUri,
      state: 's1',
      action: 'deny',
    });
    const answer = await fetch(`${h.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const location = new URL(answer.headers.get('location') as string);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
  });

  it('PKCE: a code issued for a challenge exchanges only with its verifier (jsforce useVerifier); a wrong or missing one is invalid_grant', async () => {
    const withVerifier = () => codeFlowConnection(true);
    const conn = withVerifier();
    const good = await authorizeInBrowser(h, redirectUri, 'pkce-1', undefined, conn.oauth2);
    expect((await conn.authorize(good.get('code') as string)).id).toBe(h.sandbox.defaults.userId);

    // Another OAuth2 object has another verifier: the same flow's code does not exchange there.
    const wrong = await authorizeInBrowser(h, redirectUri, 'pkce-2', undefined, conn.oauth2);
    const failed = await errorOf(withVerifier().authorize(wrong.get('code') as string));
    expect(failed.name).toBe('invalid_grant');

    // No verifier at all, with the client secret: still refused once a challenge was sent.
    const bare = await authorizeInBrowser(h, redirectUri, 'pkce-3', undefined, conn.oauth2);
    const answer = await exchangeCode(bare.get('code') as string);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('jsforce authorize(code), then after the token expires it refreshes with the refresh_token and the call succeeds', async () => {
    const query = await authorizeInBrowser(h, redirectUri, 'r');
    const conn = codeFlowConnection();
    await conn.authorize(query.get('code') as string);
    const firstToken = conn.accessToken;
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    h.sandbox.clock.advance(61_000); // past the 60 s token lifetime
    const result = await conn.query('SELECT Id FROM User');
    expect(result.totalSize).toBe(2); // the default org's rep and admin
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).not.toBe(firstToken);
    expect(h.sandbox.calls.total({ endpoint: 'POST /services/oauth2/token refresh_token' })).toBe(1);
  });

  it('an expired token answers 401 INVALID_SESSION_ID when there is no way to refresh', async () => {
    const loggedIn = await h.login();
    const bare = new Connection({
      instanceUrl: h.url,
      accessToken: loggedIn.accessToken as string,
      version: API_VERSION,
    });
    await h.admin('POST', '/salesforce/sessions/expire');
    const error = await errorOf(bare.query('SELECT Id FROM User'));
    expect(error.name).toBe('INVALID_SESSION_ID');
  });

  it('expire-all-sessions fault: a password-login connection logs in again and carries on', async () => {
    const conn = await h.login();
    await h.admin('POST', '/salesforce/sessions/expire');
    const result = await conn.query('SELECT Id FROM TaskStatus');
    expect(result.totalSize).toBe(5);
  });

  it('a revoked refresh token cannot refresh: the call fails with invalid_grant', async () => {
    const query = await authorizeInBrowser(h, redirectUri, 'v');
    const conn = codeFlowConnection();
    await conn.authorize(query.get('code') as string);
    await conn.oauth2.revokeToken(conn.refreshToken as string);
    const error = await errorOf(conn.query('SELECT Id FROM User'));
    expect(error.message).toMatch(/Unable to refresh session due to: expired access\/refresh token/);
  });

  it('the authorize page refuses an unknown client and a malformed redirect_uri', async () => {
    const unknown = await fetch(
      `${h.url}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(redirectUri)}`,
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/invalid_client_id/);
    const malformed = await fetch(
      `${h.url}/services/oauth2/authorize?response_type=code&client_id=sandbox-client&redirect_uri=not-a-url`,
    );
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/redirect_uri_mismatch/);
  });

  it('revoke of an unknown token is an error', async () => {
    const conn = new Connection({ oauth2: { loginUrl: h.url, clientId: 'sandbox-client' } });
    await expect(conn.oauth2.revokeToken('nope')).rejects.toThrow();
  });
});
