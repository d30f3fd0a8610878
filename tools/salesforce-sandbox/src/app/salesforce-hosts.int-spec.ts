import { Connection } from 'jsforce';
import { API_VERSION, errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

const CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };

/** jsforce pointed at one Salesforce host the sandbox serves (`/hosts/<host>`, or its root). */
const loginAt = async (loginUrl: string, username: string) => {
  const conn = new Connection({
    loginUrl,
    version: API_VERSION,
    oauth2: { loginUrl, ...CLIENT, redirectUri: 'http://127.0.0.1:3000/cb' },
  });
  await conn.login(username, 'sandbox');
  return conn;
};

/** The login page and its form, as a browser walks them at one host; the code in the redirect. */
async function codeFrom(loginUrl: string, username: string): Promise<string | null> {
  const oauth2 = new Connection({ oauth2: { loginUrl, ...CLIENT, redirectUri: 'http://127.0.0.1:3000/cb' } }).oauth2;
  const page = await fetch(oauth2.getAuthorizationUrl({ state: 's', scope: 'api refresh_token' }));
  const html = await page.text();
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1],
      m[2].replace(/&amp;/g, '&'),
    ]),
  );
  // The form posts to `authorize` beside the page: the same host.
  const action = new URL(/action="([^"]+)"/.exec(html)?.[1] ?? '', page.url);
  const answer = await fetch(action, {
    method: 'POST',
    body: new URLSearchParams({ ...hidden, username, password: 'sandbox', action: 'allow' }),
    redirect: 'manual',
  });
  return answer.status === 302 ? new URL(answer.headers.get('location') as string).searchParams.get('code') : null;
}

describe('Salesforce hosts: login.salesforce.com, test.salesforce.com and My Domains, served under /hosts/<host>', () => {
  let h: Harness;
  let sandboxOrg: { id: string };
  let myDomainOrg: { id: string };
  const test = () => `${h.url}/hosts/test.salesforce.com`;
  const acme = () => `${h.url}/hosts/acme.my.salesforce.com`;

  beforeAll(async () => {
    h = await startHarness();
    sandboxOrg = (await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name: 'UAT', isSandbox: true })).body;
    await h.admin('POST', `/salesforce/orgs/${sandboxOrg.id}/users`, { username: 'rep@hosts.test.uat' });
    myDomainOrg = (
      await h.admin<{ id: string }>('POST', '/salesforce/orgs', {
        name: 'Acme',
        myDomainHost: 'Acme.my.salesforce.com',
        preventLoginHostLogin: true,
      })
    ).body;
    await h.admin('POST', `/salesforce/orgs/${myDomainOrg.id}/users`, { username: 'rep@acme.test' });
  });
  afterAll(() => h.close());

  it('a sandbox org signs in at test.salesforce.com only, and its grant is exchanged and refreshed there only', async () => {
    const conn = await loginAt(test(), 'rep@hosts.test.uat');
    expect(conn.instanceUrl).toBe(h.url);
    expect((await errorOf(loginAt(h.url, 'rep@hosts.test.uat'))).message).toMatch(/authentication failure/);
    expect((await errorOf(loginAt(test(), 'rep@sandbox.test'))).message).toMatch(/authentication failure/);
    expect(await codeFrom(h.url, 'rep@hosts.test.uat')).toBeNull();
    const code = (await codeFrom(test(), 'rep@hosts.test.uat')) as string;
    const exchanged = new Connection({
      version: API_VERSION,
      oauth2: { loginUrl: test(), ...CLIENT, redirectUri: 'http://127.0.0.1:3000/cb' },
    });
    await exchanged.authorize(code);
    const atProduction = new Connection({ oauth2: { loginUrl: h.url, ...CLIENT } }).oauth2;
    expect((await errorOf(atProduction.refreshToken(exchanged.refreshToken as string))).name).toBe('invalid_grant');
    const atTest = new Connection({ oauth2: { loginUrl: test(), ...CLIENT } }).oauth2;
    expect((await atTest.refreshToken(exchanged.refreshToken as string)).instance_url).toBe(h.url);
  });

  it('a My Domain org signs in at its My Domain (not at login.salesforce.com, which it prevents), and its API answers there only', async () => {
    const conn = await loginAt(acme(), 'rep@acme.test');
    expect(conn.instanceUrl).toBe(acme());
    expect((await conn.query('SELECT Id FROM Task')).totalSize).toBe(0);
    expect((await errorOf(loginAt(h.url, 'rep@acme.test'))).message).toMatch(/authentication failure/);
    const atRoot = new Connection({
      instanceUrl: h.url,
      accessToken: conn.accessToken as string,
      version: API_VERSION,
    });
    expect((await errorOf(atRoot.query('SELECT Id FROM Task'))).errorCode).toBe('INVALID_SESSION_ID');
    expect((await fetch(`${h.url}/hosts/nobody.my.salesforce.com/services/oauth2/authorize`)).status).toBe(404);
  });

  it('an org moved to another My Domain: refreshes name the new instance, the old host refuses its sessions, and the host counter shows each', async () => {
    const moved = (await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name: 'Moving' })).body;
    await h.admin('POST', `/salesforce/orgs/${moved.id}/users`, { username: 'rep@moving.test' });
    const code = (await codeFrom(h.url, 'rep@moving.test')) as string;
    const conn = new Connection({
      version: API_VERSION,
      oauth2: { loginUrl: h.url, ...CLIENT, redirectUri: 'http://127.0.0.1:3000/cb' },
    });
    await conn.authorize(code);
    expect(conn.instanceUrl).toBe(h.url);
    expect(
      (await h.admin('PUT', `/salesforce/orgs/${moved.id}/my-domain`, { myDomainHost: 'moved.my.salesforce.com' }))
        .status,
    ).toBe(200);
    const old = new Connection({ instanceUrl: h.url, accessToken: conn.accessToken as string, version: API_VERSION });
    expect((await errorOf(old.query('SELECT Id FROM Task'))).errorCode).toBe('INVALID_SESSION_ID');
    const fresh = await new Connection({ oauth2: { loginUrl: h.url, ...CLIENT } }).oauth2.refreshToken(
      conn.refreshToken as string,
    );
    expect(fresh.instance_url).toBe(`${h.url}/hosts/moved.my.salesforce.com`);
    const now = new Connection({
      instanceUrl: fresh.instance_url,
      accessToken: fresh.access_token,
      version: API_VERSION,
    });
    expect((await now.query('SELECT Id FROM Task')).totalSize).toBe(0);
    const { body } = await h.admin<{ hosts: { host: string; count: number }[] }>('GET', '/salesforce/host-calls');
    expect(body.hosts).toEqual(expect.arrayContaining([{ host: 'moved.my.salesforce.com', count: 1 }]));
    expect(
      (await h.admin('PUT', `/salesforce/orgs/${moved.id}/my-domain`, { myDomainHost: 'acme.my.salesforce.com' }))
        .status,
    ).toBe(400);
  });
});
