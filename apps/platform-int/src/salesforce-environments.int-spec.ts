import {
  authorizeInBrowser,
  createSalesConnectUser,
  SalesforceUser,
  signUserToken,
  waitFor,
  withPg,
} from '@task-sync/testing-stack';
import { uniqueId, useKafkaClients } from './support/stack';
import { startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'environments-spec-secret-environments-0000';
const TENANT = 'tenant-environments';

type SfdcTaskRow = Record<string, unknown> & { Id: string; deletedAt: string | null };

/** Issue 22; an org that moves must reach every service's cached connection. */
describe('Salesforce environments: production, sandbox and My Domain per connection', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;
  const hostUrl = (host: string) => `${stack.sfSandbox.url}/hosts/${host}`;

  beforeAll(async () => {
    stack = await startSyncStack({ databaseSuffix: 'sf_environments', jwtSecret: SECRET, kafkaAdmin: kafka.admin });
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  /** A Sales Connect user and a Salesforce user of `orgId`, connected through `loginUrl` as the user picked; sync enabled. */
  async function connectIn(
    orgId: string,
    username: string,
    pick: { environment?: 'production' | 'sandbox' | 'my-domain'; myDomain?: string; loginUrl: string },
  ) {
    const scUser = await createSalesConnectUser(stack.scSandbox.url, TENANT);
    await stack.admin.createUser(orgId, username);
    const jwt = await signUserToken({ sub: scUser.id, tenant: TENANT, secret: SECRET, zoneinfo: 'America/Sao_Paulo' });
    const landed = await authorizeInBrowser({
      connectorSettings: stack.settings,
      sandboxUrl: stack.sfSandbox.url,
      userToken: jwt,
      username,
      action: 'allow',
      ...pick,
    });
    const connectionId = landed.searchParams.get('connected');
    if (!connectionId) throw new Error(`the OAuth round trip ended at ${landed.toString()}`);
    const enabled = await fetch(`${stack.settings.url}/v1/connections/${connectionId}/task-sync`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(enabled.status).toBe(200);
    const view = (await (
      await fetch(`${stack.settings.url}/v1/connections/${connectionId}`, {
        headers: { authorization: `Bearer ${jwt}` },
      })
    ).json()) as {
      salesforce: { environment: string; loginHost: string; instanceUrl: string };
    };
    const repId = (await stack.admin.users(orgId)).find((u) => u.username === username)?.id as string;
    const repTasks = async () =>
      (await stack.admin.tasks(orgId)).filter((t: SfdcTaskRow) => t.deletedAt === null && t['OwnerId'] === repId);
    return { connectionId, jwt, view, sc: scUser, repTasks };
  }

  it('Sandbox: connects at test.salesforce.com, a task syncs, and the grant is refreshed there (a refresh at login.salesforce.com would be refused)', async () => {
    const orgId = await stack.admin.createOrg(uniqueId('envs-uat'), undefined, { isSandbox: true });
    const username = `${uniqueId('rep')}@envs.test.uat`;
    const rep = await connectIn(orgId, username, { environment: 'sandbox', loginUrl: hostUrl('test.salesforce.com') });
    expect(rep.view.salesforce).toMatchObject({ environment: 'sandbox', loginHost: 'test.salesforce.com' });

    const task = await rep.sc.create({ name: 'Sandbox org: from Sales Connect', dueDate: '2026-12-11' });
    const pushed = await waitFor('the task in the sandbox org', async () =>
      (await rep.repTasks()).find((t) => t['SalesConnect_Task_Id__c'] === task.id),
    );
    // Every access token dies: the next write needs a refresh, which only test.salesforce.com grants.
    await stack.admin.expireSessions();
    await rep.sc.patch(task.id, { name: 'Sandbox org: edited after a refresh' });
    await waitFor('the edit in the sandbox org', async () =>
      (await rep.repTasks()).find((t) => t.Id === pushed.Id && t['Subject'] === 'Sandbox org: edited after a refresh'),
    );
    const sfdc = await SalesforceUser.login(hostUrl('test.salesforce.com'), username);
    // Salesforce stamps whole seconds: an edit in the second of the sync's own write there is stamped
    // before the Sales Connect edit that write carried, and that edit wins (see the note on issue 24).
    await sleep(1100);
    await sfdc.updateTask(pushed.Id, { Subject: 'Sandbox org: edited in Salesforce' });
    await waitFor('the Salesforce edit in Sales Connect', async () =>
      (await rep.sc.listTasks()).find((t) => t.id === task.id && t.name === 'Sandbox org: edited in Salesforce'),
    );
  }, 120_000);

  it("My Domain: connects at the org's My Domain (which prevents login.salesforce.com), a task syncs, and the grant is refreshed there", async () => {
    const host = `${uniqueId('envs-acme')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '')}.my.salesforce.com`;
    const orgId = await stack.admin.createOrg(uniqueId('envs-acme'), undefined, {
      myDomainHost: host,
      preventLoginHostLogin: true,
    });
    const username = `${uniqueId('rep')}@envs-acme.test`;
    // Typed as a URL, in capitals: stored as the host.
    const rep = await connectIn(orgId, username, {
      environment: 'my-domain',
      myDomain: `https://${host.toUpperCase()}/`,
      loginUrl: hostUrl(host),
    });
    expect(rep.view.salesforce).toMatchObject({
      environment: 'my-domain',
      loginHost: host,
      instanceUrl: hostUrl(host),
    });

    const task = await rep.sc.create({ name: 'My Domain: from Sales Connect', dueDate: '2026-12-11' });
    const pushed = await waitFor('the task in the My Domain org', async () =>
      (await rep.repTasks()).find((t) => t['SalesConnect_Task_Id__c'] === task.id),
    );
    await stack.admin.expireSessions();
    const sfdc = await SalesforceUser.login(hostUrl(host), username);
    await sfdc.updateTask(pushed.Id, { Subject: 'My Domain: edited in Salesforce after a refresh' });
    await waitFor('the Salesforce edit in Sales Connect', async () =>
      (await rep.sc.listTasks()).find(
        (t) => t.id === task.id && t.name === 'My Domain: edited in Salesforce after a refresh',
      ),
    );
  }, 120_000);

  it('an invalid My Domain is refused with a clear error before anything is stored or anyone is redirected', async () => {
    const jwt = await signUserToken({ sub: uniqueId('user'), tenant: TENANT, secret: SECRET });
    const attempts = () =>
      withPg(stack.databaseUrl, async (c) =>
        Number((await c.query(`SELECT count(*) FROM connector_settings.connect_attempt`)).rows[0].count),
      );
    const before = await attempts();
    for (const myDomain of [
      'https://evil.example/',
      'acme.my.salesforce.com.evil.example',
      'http://acme.my.salesforce.com',
      'https://acme.my.salesforce.com@evil.example',
      '',
    ]) {
      const answer = await fetch(`${stack.settings.url}/v1/salesforce/connect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ environment: 'my-domain', myDomain }),
      });
      expect([myDomain, answer.status]).toEqual([myDomain, 400]);
      expect(await answer.json()).toMatchObject({
        error: 'INVALID_MY_DOMAIN',
        message: expect.stringMatching(/My Domain|https/),
      });
    }
    expect(await attempts()).toBe(before);
  });

  it('an org moved to another instance: after a refresh sfdc-ingest and the reconciler both use the new URL, edits sync both ways, and the old URL gets no more calls', async () => {
    const before = `${uniqueId('envs-before')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '')}.my.salesforce.com`;
    const after = `${uniqueId('envs-after')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '')}.my.salesforce.com`;
    const org = await stack.admin.createOrg(uniqueId('envs-moving'), undefined, { myDomainHost: before });
    const username = `${uniqueId('rep')}@envs-moving.test`;
    const rep = await connectIn(org, username, { loginUrl: stack.sfSandbox.url });
    expect(rep.view.salesforce).toMatchObject({
      environment: 'production',
      loginHost: 'login.salesforce.com',
      instanceUrl: hostUrl(before),
    });
    const sfdc = await SalesforceUser.login(stack.sfSandbox.url, username);

    const task = await rep.sc.create({ name: 'Moving: from Sales Connect', dueDate: '2026-12-11' });
    const pushed = await waitFor('the task in Salesforce', async () =>
      (await rep.repTasks()).find((t) => t['SalesConnect_Task_Id__c'] === task.id),
    );
    expect(await stack.admin.hostCalls(before)).toBeGreaterThan(0);

    await stack.admin.moveOrg(org, after);
    // The reconciler's cached connection writes; sfdc-ingest's polls: each meets the old host's refusal once and follows the move.
    await rep.sc.patch(task.id, { name: 'Moving: edited in Sales Connect after the move' });
    await waitFor('the Sales Connect edit in Salesforce', async () =>
      (await rep.repTasks()).find(
        (t) => t.Id === pushed.Id && t['Subject'] === 'Moving: edited in Sales Connect after the move',
      ),
    );
    await sfdc.updateTask(pushed.Id, { Description: 'edited in Salesforce after the move' });
    await waitFor('the Salesforce edit in Sales Connect', async () =>
      (await rep.sc.listTasks()).find((t) => t.id === task.id && t.details === 'edited in Salesforce after the move'),
    );
    const stored = await withPg(
      stack.databaseUrl,
      async (c) =>
        (await c.query(`SELECT instance_url FROM connector_settings.connection WHERE id = $1`, [rep.connectionId]))
          .rows[0].instance_url,
    );
    expect(stored).toBe(hostUrl(after));

    // From here on the old host hears nothing: polls every 400 ms and another edit each way all go to the new one.
    const oldCalls = await stack.admin.hostCalls(before);
    const newCalls = await stack.admin.hostCalls(after);
    await rep.sc.patch(task.id, { name: 'Moving: edited again' });
    await waitFor('the second Sales Connect edit in Salesforce', async () =>
      (await rep.repTasks()).find((t) => t.Id === pushed.Id && t['Subject'] === 'Moving: edited again'),
    );
    await sfdc.updateTask(pushed.Id, { Description: 'edited again in Salesforce' });
    await waitFor('the second Salesforce edit in Sales Connect', async () =>
      (await rep.sc.listTasks()).find((t) => t.id === task.id && t.details === 'edited again in Salesforce'),
    );
    await sleep(2_000);
    expect(await stack.admin.hostCalls(before)).toBe(oldCalls);
    expect(await stack.admin.hostCalls(after)).toBeGreaterThan(newCalls);
  }, 180_000);
});
