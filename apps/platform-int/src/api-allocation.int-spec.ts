import {
  connectSalesforceAsUser,
  createSalesConnectUser,
  SalesforceAdmin,
  SalesforceUser,
  type ServiceProcess,
  signUserToken,
  waitFor,
} from '@task-sync/testing-stack';
import { uniqueId, useKafkaClients } from './support/stack';
import { startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'api-allocation-spec-secret-api-allocation-0';
const ADMIN = 'task-sync:admin';
/** The rolling window, shortened from Salesforce's 24 hours so that it frees calls within the test. */
const WINDOW_SECONDS = 30;

interface Allocation {
  orgId: string;
  used: number;
  allocated: number | null;
  source: string;
  defaultAllocated: number | null;
  orgUsage: { used: number; limit: number } | null;
}

/**
 * Issue 20, deliverable 6: reaching the allocation holds both reads and writes (nothing is
 * dead-lettered), and both go on by themselves once the window frees calls.
 */
describe('the API calls allocated to the sync in an org', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;
  let sfSandbox: ServiceProcess;
  let scSandbox: ServiceProcess;
  let settings: ServiceProcess;
  let reconciler: ServiceProcess;
  let admin: SalesforceAdmin;
  const tenant = uniqueId('tenant');

  const api = async <T>(
    method: string,
    path: string,
    jwt: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${settings.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  /** The calls the Salesforce sandbox answered for the org: what Salesforce would count. */
  const salesforceCallsIn = async (orgId: string): Promise<number> => {
    const { calls } = (await (await fetch(`${sfSandbox.url}/__admin/calls`)).json()) as {
      calls: { tenant: string; count: number }[];
    };
    return calls.filter((c) => c.tenant === orgId).reduce((sum, c) => sum + c.count, 0);
  };

  beforeAll(async () => {
    const counting = { API_CALLS_REPORT_MS: '200', API_ALLOCATION_REFRESH_MS: '500', PAUSE_RECHECK_MS: '1000' };
    stack = await startSyncStack({
      databaseSuffix: 'api_allocation',
      jwtSecret: SECRET,
      kafkaAdmin: kafka.admin,
      env: {
        settings: { API_CALLS_WINDOW_SECONDS: String(WINDOW_SECONDS), API_CALLS_BUCKET_SECONDS: '1' },
        // The sync's own calls are what this test counts: an idle rep's polls keep their pace (400 ms).
        sfdcIngest: counting,
        reconciler: { SFDC_WRITE_GATHER_MS: '200', ...counting },
      },
    });
    ({ settings, sfSandbox, scSandbox, reconciler, admin } = stack);
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  it('the allocation exhausted pauses the org’s reads and writes (paused-api-limit), and they resume by themselves as the window frees calls', async () => {
    const org = await admin.createOrg(uniqueId('allocation-org'), 100_000);
    const scUser = await createSalesConnectUser(scSandbox.url, tenant);
    const username = `${uniqueId('rep')}@sandbox.test`;
    await admin.createUser(org, username);
    const rep = await signUserToken({ sub: scUser.id, tenant, secret: SECRET });
    const orgAdmin = await signUserToken({ sub: uniqueId('admin'), tenant, secret: SECRET, roles: [ADMIN] });
    const connectionId = await connectSalesforceAsUser({
      connectorSettings: settings,
      sandboxUrl: sfSandbox.url,
      userToken: rep,
      username,
    });
    const sfdc = await SalesforceUser.login(sfSandbox.url, username);
    const sc = scUser;
    const status = async () =>
      (
        await api<{
          state: string;
          apiAllocation: { used: number; allocated: number | null };
          recentErrors: { code: string }[];
        }>('GET', `/v1/connections/${connectionId}/status`, rep)
      ).body;
    expect((await api('PUT', `/v1/connections/${connectionId}/task-sync`, rep, { enabled: true })).status).toBe(200);
    await waitFor('the sync to run', async () => (await status()).state === 'syncing');

    // Counted against the default: half the org's limit as Sforce-Limit-Info said.
    const counted = await waitFor('our calls counted against the default allocation', async () => {
      const { body } = await api<{ items: Allocation[] }>('GET', '/v1/salesforce/api-allocation', orgAdmin);
      const item = body.items.find((i) => i.orgId === org);
      return item && item.used >= 30 && item.source === 'default' && item;
    });
    expect(counted).toMatchObject({ allocated: 50_000, defaultAllocated: 50_000, orgUsage: { limit: 100_000 } });
    expect((await api('GET', '/v1/salesforce/api-allocation', rep)).status).toBe(403);
    expect((await status()).apiAllocation).toMatchObject({ allocated: 50_000 });

    // An admin allocates a third of what the sync made in the window: paused until two thirds of it leave the window.
    const allocated = Math.floor(counted.used / 3);
    const set = await api<Allocation>('PUT', `/v1/salesforce/api-allocation/${org}`, orgAdmin, { allocated });
    expect(set).toMatchObject({ status: 200, body: { orgId: org, allocated, source: 'admin' } });
    const paused = await waitFor('the pause', async () => {
      const s = await status();
      return s.state === 'paused-api-limit' && s.recentErrors.some((e) => e.code === 'API_ALLOCATION_REACHED') && s;
    });
    expect(paused.apiAllocation.used).toBeGreaterThanOrEqual(allocated);

    // While paused: a change on each side, and not one call reaches Salesforce for the org.
    const sfdcTaskId = await sfdc.createTask({ Subject: 'made in Salesforce while paused' });
    const scTask = await sc.create({ name: 'made in Sales Connect while paused' });
    await waitFor('the reconciler to hold its Salesforce write', async () =>
      reconciler.logs.some((l) => /API_ALLOCATION_REACHED/.test(String(l.msg)) && String(l.msg).includes(connectionId)),
    );
    const callsWhilePaused = await salesforceCallsIn(org);
    await sleep(3_000);
    expect(await salesforceCallsIn(org)).toBe(callsWhilePaused);
    expect((await admin.tasks(org)).filter((t) => t['SalesConnect_Task_Id__c'] === scTask.id)).toEqual([]);
    expect((await sc.listTasks()).filter((t) => t.name === 'made in Salesforce while paused')).toEqual([]);
    expect(reconciler.logs.filter((l) => /dead-lettered/.test(String(l.msg)))).toEqual([]);

    // The window moves past the calls that filled it: both sides go on, with no admin action.
    await waitFor(
      'the Salesforce change in Sales Connect',
      async () => (await sc.listTasks()).find((t) => t.name === 'made in Salesforce while paused'),
      (WINDOW_SECONDS + 30) * 1000,
    );
    await waitFor(
      'the Sales Connect change in Salesforce',
      async () =>
        (await admin.tasks(org)).find((t) => t['SalesConnect_Task_Id__c'] === scTask.id && t.deletedAt === null),
      30_000,
    );
    expect((await admin.tasks(org)).filter((t) => t.Id === sfdcTaskId)).toHaveLength(1);
    expect(reconciler.logs.filter((l) => /dead-lettered/.test(String(l.msg)))).toEqual([]);

    // Back to the default share: the connection syncs on.
    await api('PUT', `/v1/salesforce/api-allocation/${org}`, orgAdmin, { allocated: null });
    await waitFor('the resume to be reported', async () => (await status()).state === 'syncing', 30_000);
  });
});
