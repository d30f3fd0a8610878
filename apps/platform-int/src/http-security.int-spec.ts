import { createDatabase, ServiceProcess, signUserToken } from '@task-sync/testing-stack';
import { startConnectorSettingsWithSalesforce } from './support/users';
import { testEnv, uniqueId } from './support/stack';

const SECRET = 'http-security-spec-secret-http-security-00';

// Rate limits and response headers of connector-settings, through the running service. The limits
// are set low here; X-Forwarded-For (one trusted proxy hop) stands for requests from different addresses.
describe('connector-settings: rate limits and security headers', () => {
  let sandbox: ServiceProcess;
  let service: ServiceProcess;
  const tenant = uniqueId('tenant');
  const token = (sub: string) => signUserToken({ sub, tenant, secret: SECRET });

  const from = (address: string, init: RequestInit & { headers?: Record<string, string> } = {}) => ({
    ...init,
    redirect: 'manual' as const,
    headers: { 'x-forwarded-for': address, ...(init.headers ?? {}) },
  });
  const connect = async (address: string, sub: string) =>
    fetch(
      `${service.url}/v1/salesforce/connect`,
      from(address, { method: 'POST', headers: { authorization: `Bearer ${await token(sub)}` } }),
    );

  /** A 429 as the API answers it: the JSON error shape and a Retry-After in whole seconds. */
  const expectRateLimited = async (answer: Response, atMostSeconds: number) => {
    expect(answer.status).toBe(429);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(atMostSeconds);
    expect(await answer.json()).toEqual({
      error: 'RATE_LIMITED',
      message: expect.stringMatching(/^too many .+; try again in \d+ s$/),
    });
    return retryAfter;
  };

  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    ({ service } = await startConnectorSettingsWithSalesforce(sandbox, {
      DATABASE_URL: await createDatabase(testEnv.newDatabaseName('http_security')),
      JWT_SECRET: SECRET,
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      CONNECT_LIMIT_PER_USER: '2',
      CONNECT_LIMIT_PER_ADDRESS: '3',
      CALLBACK_LIMIT_PER_USER: '2',
      CALLBACK_LIMIT_PER_ADDRESS: '3',
      AUTH_FAILURE_LIMIT_PER_ADDRESS: '3',
      AUTH_FAILURE_BLOCK_SECONDS: '120',
    }));
  });

  afterAll(async () => {
    await service?.stop();
    await sandbox?.stop();
  });

  it('connect: a limit per user, whatever the address, and one per address, whoever the user', async () => {
    expect((await connect('198.51.100.1', 'ana')).status).toBe(200);
    expect((await connect('198.51.100.2', 'ana')).status).toBe(200);
    await expectRateLimited(await connect('198.51.100.3', 'ana'), 60);
    // Another user is not held back by ana's limit.
    expect((await connect('198.51.100.3', 'bia')).status).toBe(200);

    for (const user of ['u1', 'u2', 'u3']) expect((await connect('198.51.100.10', user)).status).toBe(200);
    await expectRateLimited(await connect('198.51.100.10', 'u4'), 60);
    expect((await connect('198.51.100.11', 'u4')).status).toBe(200);
  });

  it('callback: a limit per address, and one per user named by a valid state', async () => {
    const garbage = (address: string) =>
      fetch(`${service.url}/v1/salesforce/oauth/callback?code=x&state=not-a-state`, from(address));
    for (let i = 0; i < 3; i++) expect((await garbage('203.0.113.1')).status).toBe(400);
    await expectRateLimited(await garbage('203.0.113.1'), 60);
    expect((await garbage('203.0.113.2')).status).toBe(400);

    const started = (await (await connect('198.51.100.20', 'cai')).json()) as { authorizeUrl: string };
    const state = new URL(started.authorizeUrl).searchParams.get('state') as string;
    const callback = (address: string) =>
      fetch(`${service.url}/v1/salesforce/oauth/callback?code=x&state=${encodeURIComponent(state)}`, from(address));
    // No connect cookie: refused, but counted against cai from whichever address.
    expect((await callback('203.0.113.10')).status).toBe(400);
    expect((await callback('203.0.113.11')).status).toBe(400);
    await expectRateLimited(await callback('203.0.113.12'), 60);
  });

  it('failed authentications block the address, good token or not, while other addresses go on', async () => {
    const list = async (address: string, bearer: string) =>
      fetch(`${service.url}/v1/connections`, from(address, { headers: { authorization: `Bearer ${bearer}` } }));
    for (let i = 0; i < 3; i++) expect((await list('192.0.2.66', 'guessed-token')).status).toBe(401);
    await expectRateLimited(await list('192.0.2.66', 'guessed-token'), 120);
    const blocked = await expectRateLimited(await list('192.0.2.66', await token('dee')), 120);
    expect(blocked).toBeGreaterThan(60); // the block, not the window
    expect((await list('192.0.2.67', await token('dee'))).status).toBe(200);
    // The internal API's service tokens count the same way.
    const internal = (bearer: string) =>
      fetch(
        `${service.url}/internal/v1/connections/00000000-0000-4000-8000-000000000000/salesforce-session`,
        from('192.0.2.80', {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: '{}',
        }),
      );
    for (let i = 0; i < 3; i++) expect((await internal('not-a-service-token-000000000')).status).toBe(401);
    await expectRateLimited(await internal('not-a-service-token-000000000'), 120);
    await expectRateLimited(await internal('dev-only-sfdc-ingest-internal-token'), 120);
  });

  it('least privilege on the internal API: salesconnect-ingest’s token reads the settings watermark, never a Salesforce session', async () => {
    const internal = (path: string, bearer: string, method = 'GET') =>
      fetch(
        `${service.url}/internal/v1/${path}`,
        from('192.0.2.90', {
          method,
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{}' } : {}),
        }),
      );
    const session = 'connections/00000000-0000-4000-8000-000000000000/salesforce-session';
    expect((await internal('settings-watermark', 'dev-only-salesconnect-ingest-internal-token')).status).toBe(200);
    const refused = await internal(session, 'dev-only-salesconnect-ingest-internal-token', 'POST');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'FORBIDDEN' });
    // The services a session is for get past the check (to a 404: no such connection).
    expect((await internal(session, 'dev-only-reconciler-internal-token', 'POST')).status).toBe(404);
  });

  it('API and OAuth answers carry the security headers, are never cached, and say nothing of Express', async () => {
    const answers = {
      api: await fetch(
        `${service.url}/v1/connections`,
        from('192.0.2.1', { headers: { authorization: `Bearer ${await token('eva')}` } }),
      ),
      connect: await connect('192.0.2.1', 'eva'),
      callback: await fetch(
        `${service.url}/v1/salesforce/oauth/callback?code=x&state=forged.forged`,
        from('192.0.2.1'),
      ),
      unauthorized: await fetch(`${service.url}/v1/connections`, from('192.0.2.1')),
      missing: await fetch(`${service.url}/v1/nothing-here`, from('192.0.2.1')),
      health: await fetch(`${service.url}/health/ready`),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, a.status]))).toEqual({
      api: 200,
      connect: 200,
      callback: 400,
      unauthorized: 401,
      missing: 404,
      health: 200,
    });
    for (const [name, answer] of Object.entries(answers)) {
      const h = answer.headers;
      expect({
        name,
        poweredBy: h.get('x-powered-by'),
        nosniff: h.get('x-content-type-options'),
        referrer: h.get('referrer-policy'),
        cache: h.get('cache-control'),
        frame: h.get('x-frame-options'),
      }).toEqual({
        name,
        poweredBy: null,
        nosniff: 'nosniff',
        referrer: 'no-referrer',
        cache: 'no-store',
        frame: 'DENY',
      });
      expect(
        h
          .get('content-security-policy')
          ?.split(';')
          .map((d) => d.trim()),
      ).toEqual(expect.arrayContaining(["default-src 'none'", "frame-ancestors 'none'"]));
    }
    // The connect cookie: HttpOnly, SameSite=Lax, only on the Salesforce routes (not Secure over plain HTTP).
    const cookie = answers.connect.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^ts_sf_connect=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toMatch(/; Path=\/v1\/salesforce(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('the settings page allows only its own bundled script and style and calls to its own origin; its hashed assets are cached, the page is not', async () => {
    const page = await fetch(`${service.url}/settings/crm/salesforce`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<style/);
    const script = html.match(
      /<script type="module" crossorigin src="(\/settings\/crm\/salesforce\/assets\/index-[\w-]+\.js)">/,
    )?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${service.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${service.url}/settings/crm/salesforce/assets/..%2Findex.html`)).status).toBe(404);
  });

  it('CORS stays closed: no origin is allowed, on a preflight or a plain request', async () => {
    const preflight = await fetch(`${service.url}/v1/connections`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const plain = await fetch(`${service.url}/v1/connections`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${await token('fay')}` },
    });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});
