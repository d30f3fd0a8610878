import {
  connectSalesforceAsUser,
  createSalesConnectUser,
  SalesforceUser,
  signUserToken,
  waitFor,
  withPg,
} from '@task-sync/testing-stack';
import { passwordAccessToken, sfdcDeploy } from './support/sfdc-deploy';
import { useKafkaClients } from './support/stack';
import { startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'preflight-spec-secret-preflight-spec-0000';
const FIELD = 'SalesConnect_Task_Id__c';
const HOUR = 3_600_000;
/** sfdc-ingest's token on connector-settings' internal API (the development default the stack runs with). */
const SERVICE_TOKEN = 'dev-only-sfdc-ingest-internal-token';

interface SetupView {
  state: string;
  paused: boolean;
  advice: string;
  detail: string | null;
  checkedAt: string;
}

/**
 * Issue 22: a rep whose org lacks the external-id field is paused, makes no Salesforce calls while
 * paused, and resumes with nothing lost once the package is deployed and assigned.
 */
describe('connection preflight: the external-id field checked at connect and on Check again', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;

  beforeAll(async () => {
    stack = await startSyncStack({
      databaseSuffix: 'conn_preflight_stack',
      jwtSecret: SECRET,
      kafkaAdmin: kafka.admin,
      env: {
        // No background preflight during the test: only connect and Check again run it.
        settings: { CONNECTION_PREFLIGHT_INTERVAL_SECONDS: '3600' },
        // A paused connection looks again every second here (5 minutes by default).
        sfdcIngest: { PAUSE_RECHECK_MS: '1000' },
        reconciler: { PAUSE_RECHECK_MS: '1000' },
      },
    });
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  async function connectRepOf(orgId: string, username: string, tenant: string) {
    const repId = await stack.admin.createUser(orgId, username);
    const scUser = await createSalesConnectUser(stack.scSandbox.url, tenant);
    const jwt = await signUserToken({ sub: scUser.id, tenant, secret: SECRET, zoneinfo: 'America/Sao_Paulo' });
    const connectionId = await connectSalesforceAsUser({
      connectorSettings: stack.settings,
      sandboxUrl: stack.sfSandbox.url,
      userToken: jwt,
      username,
    });
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.settings.url}/v1/connections/${connectionId}${path}`, {
        method,
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const status = async () =>
      (await (await api('GET', '/status')).json()) as {
        state: string;
        setup: SetupView | null;
        recentErrors: { code: string }[];
      };
    const checkAgain = async () => {
      const answer = await api('POST', '/preflight');
      expect(answer.status).toBe(200);
      return (await answer.json()) as SetupView;
    };
    return {
      repId,
      connectionId,
      jwt,
      api,
      status,
      checkAgain,
      sc: scUser,
      sfdc: await SalesforceUser.login(stack.sfSandbox.url, username),
    };
  }

  /** The org's calls by endpoint (OAuth left out: Salesforce does not count it). */
  const orgCalls = async (orgId: string) =>
    Object.fromEntries(
      (await stack.admin.calls())
        .filter((c) => c.tenant === orgId && !c.endpoint.includes('/services/oauth2/'))
        .map((c) => [c.endpoint, c.count]),
    ) as Record<string, number>;

  it('missing-external-id-field at connect, no calls while paused; after npm run sfdc:deploy external-id-field-hidden until the permission set is assigned; Check again resumes: the import and the paused write land, both ways', async () => {
    const orgId = await stack.admin.createOrg('Preflight Org', undefined, { salesConnectTaskIdField: false });
    await stack.admin.createUser(orgId, 'admin@preflight.test', 'sandbox', { modifyAllData: true });
    const rep = await connectRepOf(orgId, 'rep@preflight.test', 'tenant-preflight');

    // Said at connect, before sync is even on.
    const atConnect = await rep.status();
    expect(atConnect.state).toBe('missing-external-id-field');
    expect(atConnect.setup).toMatchObject({ state: 'missing-external-id-field', paused: true });
    expect(atConnect.setup?.advice).toContain('npm run sfdc:deploy');

    // A Salesforce task of the last 24 hours (for the import) and, with sync on, a Sales Connect one (a write to Salesforce).
    await stack.admin.setClock(new Date(Date.now() - HOUR));
    const fromSfdc = await rep.sfdc.createTask({ Subject: 'Preflight: from Salesforce', ActivityDate: '2026-12-10' });
    await stack.admin.resetClock();
    expect((await rep.api('PUT', '/task-sync', { enabled: true })).status).toBe(200);
    const fromSc = await rep.sc.create({ name: 'Preflight: from Sales Connect', dueDate: '2026-12-11' });

    // The services hear "setup incomplete" from connector-settings and pause: they say so, and call Salesforce no more.
    await waitFor('sfdc-ingest paused for the setup', async () =>
      withPg(
        stack.databaseUrl,
        async (c) =>
          (
            await c.query(`SELECT paused_reason FROM sfdc_ingest.sfdc_sync_state WHERE connection_id = $1`, [
              rep.connectionId,
            ])
          ).rows[0]?.paused_reason === 'SALESFORCE_SETUP_INCOMPLETE',
      ),
    );
    await waitFor('the Sales Connect task queued for Salesforce and held', async () =>
      withPg(
        stack.databaseUrl,
        async (c) =>
          (
            await c.query(
              `SELECT count(*)::int AS n FROM reconciler.task_write WHERE connection_id = $1 AND side = 'sfdc' AND last_error LIKE '%missing-external-id-field%'`,
              [rep.connectionId],
            )
          ).rows[0].n > 0,
      ),
    );
    const before = await orgCalls(orgId);
    await sleep(5000);
    const after = await orgCalls(orgId);
    process.stdout.write(
      `[preflight] the org's calls by endpoint before and after 5 s paused: ${JSON.stringify(before)} → ${JSON.stringify(after)}\n`,
    );
    // Not one query (no INVALID_FIELD loop), not one write: the preflight's own calls were made at connect.
    expect(after).toEqual(before);
    // Since connect, only the connect's User query, the preflight's two calls and the rep's own create: no Task read or write of ours.
    expect(Object.keys(after).sort()).toEqual([
      'GET query',
      'GET tooling/query',
      'POST composite (GET sobjects/Task/describe + GET query)',
      'POST sobjects/Task',
    ]);
    expect(after['GET query']).toBe(1);
    expect((await rep.status()).state).toBe('missing-external-id-field');

    // The administrator deploys the package: the field exists, hidden from the rep until the permission set is assigned.
    const deployed = await sfdcDeploy(
      '--instance-url',
      stack.sfSandbox.url,
      '--access-token',
      await passwordAccessToken(stack.sfSandbox.url, 'admin@preflight.test'),
    );
    expect(deployed.code).toBe(0);
    const hidden = await rep.checkAgain();
    expect(hidden).toMatchObject({ state: 'external-id-field-hidden', paused: true });
    expect(hidden.advice).toContain('"Sales Connect Task Sync"');
    expect((await rep.status()).state).toBe('external-id-field-hidden');

    await stack.admin.assignPermissionSet(orgId, 'SalesConnect_Task_Sync', rep.repId);
    expect(await rep.checkAgain()).toMatchObject({ state: 'ready', paused: false });

    // Nothing lost: the import brings the Salesforce task, the held write makes the Sales Connect one in Salesforce.
    const imported = await waitFor(
      'the Salesforce task in Sales Connect',
      async () => (await rep.sc.listTasks()).find((t) => t.name === 'Preflight: from Salesforce'),
      60_000,
    );
    const repTasks = async () =>
      (await stack.admin.tasks(orgId)).filter(
        (t: Record<string, unknown>) => t['deletedAt'] === null && t['OwnerId'] === rep.repId,
      );
    await waitFor(
      'the Sales Connect task in Salesforce',
      async () => (await repTasks()).find((t: Record<string, unknown>) => t[FIELD] === fromSc.id),
      60_000,
    );
    const later = await rep.sfdc.createTask({ Subject: 'Preflight: made after the install' });
    await waitFor('the later Salesforce task in Sales Connect', async () =>
      (await rep.sc.listTasks()).find((t) => t.name === 'Preflight: made after the install'),
    );
    await waitFor('the connection syncing', async () => (await rep.status()).state === 'syncing');
    const subjects = (await repTasks()).map((t: Record<string, unknown>) => t['Subject']).sort();
    expect(subjects).toEqual([
      'Preflight: from Sales Connect',
      'Preflight: from Salesforce',
      'Preflight: made after the install',
    ]);
    expect((await rep.sc.listTasks()).filter((t) => t.name === 'Preflight: from Salesforce')).toHaveLength(1);
    expect(imported).toBeDefined();
    expect(later).toMatch(/^00T/);
    expect(fromSfdc).toMatch(/^00T/);
  }, 300_000);

  it('field-not-unique: a field made External ID but not Unique pauses the connection and says to deploy the package', async () => {
    const orgId = await stack.admin.createOrg('Not Unique Org', undefined, { salesConnectTaskIdField: false });
    await stack.admin.addTaskField(orgId, { name: FIELD, type: 'string', length: 64, externalId: true });
    const rep = await connectRepOf(orgId, 'rep@not-unique.test', 'tenant-preflight-unique');
    const status = await rep.status();
    expect(status.state).toBe('field-not-unique');
    expect(status.setup).toMatchObject({
      state: 'field-not-unique',
      paused: true,
      advice: expect.stringMatching(/not marked Unique.*npm run sfdc:deploy/),
    });
    // The services are refused its session while it lasts.
    const session = await fetch(
      `${stack.settings.url}/internal/v1/connections/${rep.connectionId}/salesforce-session`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(session.status).toBe(409);
    expect(await session.json()).toMatchObject({ error: 'SALESFORCE_SETUP_INCOMPLETE', state: 'field-not-unique' });
  }, 120_000);
});
