import { KAFKA_TOPICS } from '@task-sync/contracts';
import { SalesforceSandboxAdmin, SalesforceUserApi, connectSalesforceAsUser } from './support/salesforce';
import { SalesConnectUserApi, createSalesConnectUser } from './support/salesconnect';
import { ServiceProcess, freePort } from './support/service-process';
import { createDatabase, startGroupAtLogEnd, testEnv, uniqueId, useKafkaClients, waitFor } from './support/stack';
import { signUserToken, startConnectorSettingsWithSalesforce } from './support/users';

const SECRET = 'api-allocation-spec-secret-api-allocation-0';
const ADMIN = 'task-sync:admin';
/** The rolling window, shortened from Salesforce's 24 hours so that it frees calls within the test. */
const WINDOW_SECONDS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Allocation {
  orgId: string;
  used: number;
  allocated: number | null;
  source: string;
  defaultAllocated: number | null;
  orgUsage: { used: number; limit: number } | null;
}

/**
 * The API calls allocated to the sync in an org (issue 20, deliverable 6), with every process of the
 * stack: sfdc-ingest's reads and the reconciler's writes count against the allocation an admin sets
 * in connector-settings; reaching it holds both (no call reaches Salesforce, nothing is dead-lettered,
 * the connection reports `paused-api-limit`), and both go on by themselves once the window frees calls.
 */
describe('the API calls allocated to the sync in an org', () => {
  const kafka = useKafkaClients();
  const processes: ServiceProcess[] = [];
  let sfSandbox: ServiceProcess;
  let scSandbox: ServiceProcess;
  let settings: ServiceProcess;
  let reconciler: ServiceProcess;
  let admin: SalesforceSandboxAdmin;
  const tenant = uniqueId('tenant');

  const api = async <T>(method: string, path: string, jwt: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${settings.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  /** The calls the Salesforce sandbox answered for the org: what Salesforce would count. */
  const salesforceCallsIn = async (orgId: string): Promise<number> => {
    const { calls } = (await (await fetch(`${sfSandbox.url}/__admin/calls`)).json()) as { calls: { tenant: string; count: number }[] };
    return calls.filter((c) => c.tenant === orgId).reduce((sum, c) => sum + c.count, 0);
  };

  beforeAll(async () => {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('api_allocation'));
    sfSandbox = await ServiceProcess.start('salesforce-sandbox', {});
    scSandbox = await ServiceProcess.start('salesconnect-sandbox', {});
    admin = new SalesforceSandboxAdmin(sfSandbox.url);
    const groups = Object.fromEntries(['connector-settings', 'sfdc-ingest', 'salesconnect-ingest', 'reconciler'].map((n) => [n, uniqueId(n)]));
    for (const [name, topic] of [
      ['connector-settings', KAFKA_TOPICS.connectionStatus],
      ['sfdc-ingest', KAFKA_TOPICS.settingsChanges],
      ['salesconnect-ingest', KAFKA_TOPICS.settingsChanges],
      ['reconciler', KAFKA_TOPICS.settingsChanges],
      ['reconciler', KAFKA_TOPICS.sfdcTaskChanges],
      ['reconciler', KAFKA_TOPICS.salesconnectTaskChanges],
    ] as const) {
      await startGroupAtLogEnd(kafka.admin, groups[name], topic);
    }
    ({ service: settings } = await startConnectorSettingsWithSalesforce(sfSandbox, {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: SECRET,
      KAFKA_CONSUMER_GROUP: groups['connector-settings'],
      API_CALLS_WINDOW_SECONDS: String(WINDOW_SECONDS),
      API_CALLS_BUCKET_SECONDS: '1',
    }));
    const counting = { API_CALLS_REPORT_MS: '200', API_ALLOCATION_REFRESH_MS: '500', PAUSE_RECHECK_MS: '1000' };
    processes.push(
      await ServiceProcess.start('sfdc-ingest', {
        DATABASE_URL: databaseUrl,
        KAFKA_CONSUMER_GROUP: groups['sfdc-ingest'],
        CONNECTOR_SETTINGS_URL: settings.url,
        POLL_INTERVAL_MS: '400',
        // The sync's own calls are what this test counts: an idle rep's polls keep their pace.
        POLL_IDLE_MAX_INTERVAL_MS: '400',
        POLL_LOOKBACK_MS: '3000',
        SCHEDULER_TICK_MS: '100',
        ...counting,
      }),
    );
    const scIngestPort = await freePort();
    processes.push(
      await ServiceProcess.start(
        'salesconnect-ingest',
        {
          DATABASE_URL: databaseUrl,
          KAFKA_CONSUMER_GROUP: groups['salesconnect-ingest'],
          SALESCONNECT_API_URL: scSandbox.url,
          SALESCONNECT_WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${scIngestPort}/webhooks/salesconnect`,
          FEED_POLL_INTERVAL_MS: '1000',
        },
        scIngestPort,
      ),
    );
    reconciler = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groups['reconciler'],
      CONNECTOR_SETTINGS_URL: settings.url,
      SALESCONNECT_API_URL: scSandbox.url,
      WRITE_FLUSH_INTERVAL_MS: '100',
      WRITE_RETRY_BASE_MS: '100',
      SFDC_WRITE_GATHER_MS: '200',
      ...counting,
    });
    processes.push(reconciler);
  }, 180_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    await settings?.stop();
    await scSandbox?.stop();
    await sfSandbox?.stop();
  });

  it('the allocation exhausted pauses the org’s reads and writes (paused-api-limit), and they resume by themselves as the window frees calls', async () => {
    const org = await admin.createOrg(uniqueId('allocation-org'), 100_000);
    const scUser = await createSalesConnectUser(scSandbox.url);
    const username = `${uniqueId('rep')}@sandbox.test`;
    await admin.createUser(org.id, username);
    const rep = await signUserToken({ sub: scUser.id, tenant, secret: SECRET });
    const orgAdmin = await signUserToken({ sub: uniqueId('admin'), tenant, secret: SECRET, roles: [ADMIN] });
    const connectionId = await connectSalesforceAsUser({ connectorSettings: settings, sandboxUrl: sfSandbox.url, userToken: rep, username });
    const sfdc = await SalesforceUserApi.login(sfSandbox.url, username);
    const sc = new SalesConnectUserApi(scSandbox.url, scUser);
    const status = async () =>
      (await api<{ state: string; apiAllocation: { used: number; allocated: number | null }; recentErrors: { code: string }[] }>('GET', `/v1/connections/${connectionId}/status`, rep)).body;
    expect((await api('PUT', `/v1/connections/${connectionId}/task-sync`, rep, { enabled: true })).status).toBe(200);
    await waitFor('the sync to run', async () => (await status()).state === 'syncing');

    // Counted against the default: half the org's limit as Sforce-Limit-Info said.
    const counted = await waitFor('our calls counted against the default allocation', async () => {
      const { body } = await api<{ items: Allocation[] }>('GET', '/v1/salesforce/api-allocation', orgAdmin);
      const item = body.items.find((i) => i.orgId === org.id);
      return item && item.used >= 30 && item.source === 'default' && item;
    });
    expect(counted).toMatchObject({ allocated: 50_000, defaultAllocated: 50_000, orgUsage: { limit: 100_000 } });
    expect((await api('GET', '/v1/salesforce/api-allocation', rep)).status).toBe(403);
    expect((await status()).apiAllocation).toMatchObject({ allocated: 50_000 });

    // An admin allocates a third of what the sync made in the window: paused until two thirds of it leave the window.
    const allocated = Math.floor(counted.used / 3);
    const set = await api<Allocation>('PUT', `/v1/salesforce/api-allocation/${org.id}`, orgAdmin, { allocated });
    expect(set).toMatchObject({ status: 200, body: { orgId: org.id, allocated, source: 'admin' } });
    const paused = await waitFor('the pause', async () => {
      const s = await status();
      return s.state === 'paused-api-limit' && s.recentErrors.some((e) => e.code === 'API_ALLOCATION_REACHED') && s;
    });
    expect(paused.apiAllocation.used).toBeGreaterThanOrEqual(allocated);

    // While paused: a change on each side, and not one call reaches Salesforce for the org.
    const sfdcTaskId = await sfdc.createTask({ Subject: 'made in Salesforce while paused' });
    const scTask = await sc.createTask({ name: 'made in Sales Connect while paused' });
    await waitFor('the reconciler to hold its Salesforce write', async () =>
      reconciler.logs.some((l) => /API_ALLOCATION_REACHED/.test(String(l.msg)) && String(l.msg).includes(connectionId)),
    );
    const callsWhilePaused = await salesforceCallsIn(org.id);
    await sleep(3_000);
    expect(await salesforceCallsIn(org.id)).toBe(callsWhilePaused);
    expect((await admin.tasks(org.id)).filter((t) => t['SalesConnect_Task_Id__c'] === scTask.id)).toEqual([]);
    expect((await sc.listTasks()).filter((t) => t.name === 'made in Salesforce while paused')).toEqual([]);
    expect(reconciler.logs.filter((l) => /dead-lettered/.test(String(l.msg)))).toEqual([]);

    // The window moves past the calls that filled it: both sides go on, with no admin action.
    await waitFor('the Salesforce change in Sales Connect', async () => (await sc.listTasks()).find((t) => t.name === 'made in Salesforce while paused'), (WINDOW_SECONDS + 30) * 1000);
    await waitFor('the Sales Connect change in Salesforce', async () => (await admin.tasks(org.id)).find((t) => t['SalesConnect_Task_Id__c'] === scTask.id && t.deletedAt === null), 30_000);
    expect((await admin.tasks(org.id)).filter((t) => t.Id === sfdcTaskId)).toHaveLength(1);
    expect(reconciler.logs.filter((l) => /dead-lettered/.test(String(l.msg)))).toEqual([]);

    // Back to the default share: the connection syncs on.
    await api('PUT', `/v1/salesforce/api-allocation/${org.id}`, orgAdmin, { allocated: null });
    await waitFor('the resume to be reported', async () => (await status()).state === 'syncing', 30_000);
  });
});
