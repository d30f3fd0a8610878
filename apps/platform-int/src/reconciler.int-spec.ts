import { KAFKA_TOPICS } from '@task-sync/contracts';
import { SalesforceSandboxAdmin, SalesforceUserApi, connectSalesforceAsUser } from './support/salesforce';
import { SalesConnectUserApi, createSalesConnectUser, type SalesConnectTaskView } from './support/salesconnect';
import { ServiceProcess, freePort } from './support/service-process';
import { createDatabase, startGroupAtLogEnd, testEnv, uniqueId, useKafkaClients, waitFor } from './support/stack';
import { signUserToken, startConnectorSettingsWithSalesforce } from './support/users';

const SECRET = 'reconciler-spec-secret-reconciler-spec-0000';
const HOUR = 3_600_000;

type SfdcTaskRow = Record<string, unknown> & { Id: string; deletedAt: string | null; lastModifiedByClient: string | null };

/**
 * The reconciler with everything around it as processes (both sandboxes, connector-settings, both
 * ingests), on the real broker and PostgreSQL: a change on one side lands on the other, once.
 */
describe('reconciler: both sides kept equal', () => {
  const kafka = useKafkaClients();
  const processes: ServiceProcess[] = [];
  let sfSandbox: ServiceProcess;
  let scSandbox: ServiceProcess;
  let settings: ServiceProcess;
  let admin: SalesforceSandboxAdmin;
  let orgId: string;

  /** A fresh pair of users, connected, with sync on. */
  async function connectAndEnable() {
    const scUser = await createSalesConnectUser(scSandbox.url);
    const username = `${uniqueId('rep')}@sandbox.test`;
    await admin.createUser(orgId, username);
    const jwt = await signUserToken({ sub: scUser.id, tenant: 'tenant-reconciler', secret: SECRET, zoneinfo: 'America/Sao_Paulo' });
    const sfdc = await SalesforceUserApi.login(sfSandbox.url, username);
    const sc = new SalesConnectUserApi(scSandbox.url, scUser);
    const connectionId = await connectSalesforceAsUser({ connectorSettings: settings, sandboxUrl: sfSandbox.url, userToken: jwt, username });
    const enable = (enabled: boolean) =>
      fetch(`${settings.url}/v1/connections/${connectionId}/task-sync`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled }),
      });
    return { scUser, sfdc, sc, connectionId, jwt, enable, sfdcUsername: username };
  }

  const sfdcTasks = async (filter: (t: SfdcTaskRow) => boolean) => (await admin.tasks(orgId)).filter((t) => t.deletedAt === null && filter(t));

  beforeAll(async () => {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('reconciler'));
    sfSandbox = await ServiceProcess.start('salesforce-sandbox', {});
    scSandbox = await ServiceProcess.start('salesconnect-sandbox', {});
    admin = new SalesforceSandboxAdmin(sfSandbox.url);
    orgId = (await admin.defaultOrg()).id;
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
    ({ service: settings } = await startConnectorSettingsWithSalesforce(sfSandbox, { DATABASE_URL: databaseUrl, JWT_SECRET: SECRET, KAFKA_CONSUMER_GROUP: groups['connector-settings'] }));
    processes.push(
      await ServiceProcess.start('sfdc-ingest', {
        DATABASE_URL: databaseUrl,
        KAFKA_CONSUMER_GROUP: groups['sfdc-ingest'],
        CONNECTOR_SETTINGS_URL: settings.url,
        POLL_INTERVAL_MS: '400',
        POLL_IDLE_MAX_INTERVAL_MS: '400',
        POLL_LOOKBACK_MS: '3000',
        SCHEDULER_TICK_MS: '100',
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
    processes.push(
      await ServiceProcess.start('reconciler', {
        DATABASE_URL: databaseUrl,
        KAFKA_CONSUMER_GROUP: groups['reconciler'],
        CONNECTOR_SETTINGS_URL: settings.url,
        SALESCONNECT_API_URL: scSandbox.url,
        WRITE_FLUSH_INTERVAL_MS: '100',
        WRITE_RETRY_BASE_MS: '100',
      }),
    );
  }, 180_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    await settings?.stop();
    await scSandbox?.stop();
    await sfSandbox?.stop();
  });

  it('R2 and R6: imported Salesforce tasks land in Sales Connect once; edits, completes and deletes cross both ways', async () => {
    const { sfdc, sc, enable } = await connectAndEnable();
    await admin.setClock(new Date(Date.now() - 2 * HOUR));
    const imported = await sfdc.createTask({ Subject: 'Call Ana', ActivityDate: '2026-12-01', Priority: 'High', Status: 'Completed' });
    await admin.resetClock();
    const before = await sc.createTask({ name: 'existed before the enable' });
    expect((await enable(true)).status).toBe(200);

    const landed = await waitFor('the import in Sales Connect', async () => (await sc.listTasks()).find((t) => t.name === 'Call Ana'));
    expect(landed).toMatchObject({ dueDate: '2026-12-01', priority: 'High', status: 'Complete', lastModifiedBy: 'task-sync' });

    // Sales Connect → Salesforce, as an upsert by the external id, marked as ours.
    const created = await sc.createTask({ name: 'Send proposal', dueDate: '2026-12-02', details: 'v2' });
    const pushed = await waitFor('the new task in Salesforce', async () => (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === created.id))[0]);
    expect(pushed).toMatchObject({ Subject: 'Send proposal', ActivityDate: '2026-12-02', Description: 'v2', Status: 'Not Started', lastModifiedByClient: 'task-sync' });

    // Salesforce edit → Sales Connect; Sales Connect complete → Salesforce.
    await sfdc.updateTask(imported, { Subject: 'Call Ana back', Status: 'Not Started' });
    await waitFor('the edit in Sales Connect', async () => (await sc.listTasks()).find((t) => t.id === landed.id && t.name === 'Call Ana back' && t.status === 'Open'));
    await sc.completeTask(created.id);
    await waitFor('the completion in Salesforce', async () => (await sfdcTasks((t) => t.Id === pushed.Id && t['Status'] === 'Completed'))[0]);

    // Deletes both ways.
    await sfdc.deleteTask(imported);
    await waitFor('the delete in Sales Connect', async () => !(await sc.listTasks()).some((t) => t.id === landed.id));
    await sc.deleteTask(created.id);
    await waitFor('the delete in Salesforce', async () => (await sfdcTasks((t) => t.Id === pushed.Id)).length === 0);

    // R3 and no duplicates: the task from before the enable never went over; each crossed once.
    expect(await sfdcTasks((t) => t['Subject'] === 'existed before the enable' || t['SalesConnect_Task_Id__c'] === before.id)).toEqual([]);
    const names = (await sc.listTasks()).map((t: SalesConnectTaskView) => t.name);
    expect(names).toEqual(['existed before the enable']);

    // What was decided, for an operator: creates each way, echoes recognised.
    const reconciler = processes[2];
    expect(await reconciler.metric('tasksync_reconciler_decisions_total', { action: 'create', side: 'sfdc' })).toBeGreaterThanOrEqual(1);
    expect(await reconciler.metric('tasksync_reconciler_decisions_total', { action: 'create', side: 'salesconnect' })).toBeGreaterThanOrEqual(1);
    expect(await reconciler.metric('tasksync_reconciler_decisions_total', { action: 'ignore:echo' })).toBeGreaterThanOrEqual(1);
  });

  it('fast recovery: the reconciler SIGKILLed in a burst serves its partitions again soon after its restart, nothing lost or doubled', async () => {
    const { sc, enable } = await connectAndEnable();
    expect((await enable(true)).status).toBe(200);
    const names = [0, 1, 2, 3, 4, 5].map((i) => `recovery burst ${i}`);
    const created: { id: string }[] = [];
    for (const name of names) created.push(await sc.createTask({ name }));
    await waitFor('the burst reaching Salesforce', async () => (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === created[0].id)).length > 0);

    // A crash leaves no goodbye: the group learns of it only when the member's session runs out.
    const reconciler = processes[2];
    expect((await reconciler.stop('SIGKILL')).code).toBeNull();
    const restartedAt = Date.now();
    await reconciler.restart(); // ready = back in its consumer group, with partitions assigned
    const readyMs = Date.now() - restartedAt;
    const after = await sc.createTask({ name: 'recovery after the restart' });
    created.push(after);
    await waitFor('the change made after the restart in Salesforce', async () => (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === after.id)).length > 0, 30_000);
    const servedMs = Date.now() - restartedAt;
    console.log(`fast recovery: the reconciler was ready ${readyMs} ms after its restart; a change made then was in Salesforce ${servedMs} ms after the restart (KAFKA_SESSION_TIMEOUT_MS default)`);

    // Nothing lost, nothing doubled: each task once in Salesforce, also after the redelivered tail settled.
    const once = async () => {
      const pushed = await sfdcTasks((t) => created.some((c) => c.id === t['SalesConnect_Task_Id__c']));
      return pushed.length === created.length && new Set(pushed.map((t) => t['SalesConnect_Task_Id__c'])).size === created.length;
    };
    await waitFor('every task of the burst once in Salesforce', once);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const pushed = await sfdcTasks((t) => created.some((c) => c.id === t['SalesConnect_Task_Id__c']));
    expect(pushed.map((t) => t['Subject']).sort()).toEqual([...names, 'recovery after the restart'].sort());
  });
});
