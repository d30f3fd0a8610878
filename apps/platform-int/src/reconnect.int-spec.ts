import { randomBytes } from 'node:crypto';
import { authorizeInBrowser, waitFor, withPg } from '@task-sync/testing-stack';
import { useKafkaClients } from './support/stack';
import { connectRep, startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';
import { openSealedToken } from './support/users';

const SECRET = 'reconnect-spec-secret-reconnect-spec-00000';
const KEY = randomBytes(32);
const HOUR = 3_600_000;

type SfdcTaskRow = Record<string, unknown> & { Id: string; deletedAt: string | null };

/** Issue 22. */
describe('reconnect in place: the same links after a revoked grant', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;

  beforeAll(async () => {
    stack = await startSyncStack({
      databaseSuffix: 'reconnect_stack',
      jwtSecret: SECRET,
      kafkaAdmin: kafka.admin,
      env: {
        settings: { TOKEN_ENCRYPTION_KEYS: `it1:${KEY.toString('base64')}`, TOKEN_ENCRYPTION_KEY_ID: 'it1' },
        // A paused connection looks again every second here (5 minutes by default).
        sfdcIngest: { PAUSE_RECHECK_MS: '1000' },
        reconciler: { PAUSE_RECHECK_MS: '1000' },
      },
    });
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  it('connect, enable, sync both ways, revoke the grant (unauthorized), reconnect the same user: edits cross on the same pairs, nothing imported again or doubled', async () => {
    const rep = await connectRep(stack, 'tenant-reconnect');
    const { sfdc, sc, connectionId, jwt, enable } = rep;
    const repId = (await stack.admin.users(stack.orgId)).find((u) => u.username === rep.sfdcUsername)?.id as string;
    const repTasks = async () =>
      (await stack.admin.tasks(stack.orgId)).filter((t: SfdcTaskRow) => t.deletedAt === null && t['OwnerId'] === repId);
    const status = async () =>
      (await (
        await fetch(`${stack.settings.url}/v1/connections/${connectionId}/status`, {
          headers: { authorization: `Bearer ${jwt}` },
        })
      ).json()) as { state: string; lastSyncedAt: string | null };
    const state = async () => (await status()).state;
    const links = () =>
      withPg(
        stack.databaseUrl,
        async (c) =>
          (
            await c.query(
              `SELECT salesconnect_task_id, sfdc_task_id FROM reconciler.task_link WHERE connection_id = $1 AND unlinked_at IS NULL ORDER BY salesconnect_task_id`,
              [connectionId],
            )
          ).rows,
      );
    const settingHistory = () =>
      withPg(
        stack.databaseUrl,
        async (c) =>
          (
            await c.query(`SELECT event_id, kind FROM connector_settings.task_sync_change WHERE connection_id = $1`, [
              connectionId,
            ])
          ).rows,
      );
    const importState = () =>
      withPg(
        stack.databaseUrl,
        async (c) =>
          (
            await c.query(`SELECT enable_at, enable_kind FROM sfdc_ingest.sfdc_sync_state WHERE connection_id = $1`, [
              connectionId,
            ])
          ).rows,
      );

    // Salesforce → Sales Connect by the import (R2), Sales Connect → Salesforce by a new task (R6).
    await stack.admin.setClock(new Date(Date.now() - 2 * HOUR));
    const fromSfdc = await sfdc.createTask({ Subject: 'Reconnect: from Salesforce', ActivityDate: '2026-12-10' });
    await stack.admin.resetClock();
    expect((await enable(true)).status).toBe(200);
    const imported = await waitFor('the import in Sales Connect', async () =>
      (await sc.listTasks()).find((t) => t.name === 'Reconnect: from Salesforce'),
    );
    const fromSc = await sc.create({ name: 'Reconnect: from Sales Connect', dueDate: '2026-12-11' });
    const pushed = await waitFor('the new task in Salesforce', async () =>
      (await repTasks()).find((t) => t['SalesConnect_Task_Id__c'] === fromSc.id),
    );
    const pairs = await waitFor('both pairs linked', async () => {
      const rows = await links();
      return rows.length === 2 && rows.every((r) => r.sfdc_task_id) && rows;
    });
    expect(pairs).toEqual(
      [
        { salesconnect_task_id: imported.id, sfdc_task_id: fromSfdc },
        { salesconnect_task_id: fromSc.id, sfdc_task_id: pushed.Id },
      ].sort((a, b) => a.salesconnect_task_id.localeCompare(b.salesconnect_task_id)),
    );
    const historyBefore = await settingHistory();
    const importBefore = await importState();

    // The grant is revoked at Salesforce (an admin did it in Setup): its access tokens die with it.
    const sealed = await withPg(
      stack.databaseUrl,
      async (c) =>
        (await c.query(`SELECT refresh_token_sealed FROM connector_settings.connection WHERE id = $1`, [connectionId]))
          .rows[0].refresh_token_sealed,
    );
    expect(
      (
        await fetch(`${stack.sfSandbox.url}/services/oauth2/revoke`, {
          method: 'POST',
          body: new URLSearchParams({ token: openSealedToken(sealed, KEY) }),
        })
      ).status,
    ).toBe(200);
    await waitFor('the connection reported unauthorized', async () => (await state()) === 'unauthorized');
    // A Sales Connect edit made while the grant is gone waits; it is not lost.
    await sc.patch(fromSc.id, { details: 'edited while unauthorized' });

    // Reconnect as the same Salesforce user, as the page's Reconnect does.
    const reconnectedAt = Date.now();
    const landed = await authorizeInBrowser({
      connectorSettings: stack.settings,
      sandboxUrl: stack.sfSandbox.url,
      userToken: jwt,
      username: rep.sfdcUsername,
      action: 'allow',
    });
    expect(landed.searchParams.get('connected')).toBe(connectionId);
    expect(landed.searchParams.get('reconnected')).toBe('1');
    await waitFor(
      'the edit made while unauthorized in Salesforce',
      async () =>
        (await repTasks()).find((t) => t.Id === pushed.Id && t['Description'] === 'edited while unauthorized'),
      60_000,
    );

    // Edits cross both ways on the same pairs.
    await sfdc.updateTask(fromSfdc, { Subject: 'Reconnect: from Salesforce, edited after' });
    await waitFor('the Salesforce edit in Sales Connect', async () =>
      (await sc.listTasks()).find((t) => t.id === imported.id && t.name === 'Reconnect: from Salesforce, edited after'),
    );
    await sc.patch(fromSc.id, { name: 'Reconnect: from Sales Connect, edited after' });
    await waitFor('the Sales Connect edit in Salesforce', async () =>
      (await repTasks()).find(
        (t) => t.Id === pushed.Id && t['Subject'] === 'Reconnect: from Sales Connect, edited after',
      ),
    );
    // The services' own word: sfdc-ingest polled again with the new grant and reported syncing.
    await waitFor('a successful poll after the reconnect', async () => {
      const now = await status();
      return now.state === 'syncing' && now.lastSyncedAt !== null && Date.parse(now.lastSyncedAt) > reconnectedAt;
    });

    // Nothing imported again, nothing doubled: two tasks each side, the same two pairs, no new enable.
    const scNames = (await sc.listTasks()).map((t) => t.name).sort();
    const sfdcSubjects = (await repTasks()).map((t) => t['Subject']).sort();
    process.stdout.write(
      `[reconnect] after the reconnect: Sales Connect ${JSON.stringify(scNames)}, Salesforce ${JSON.stringify(sfdcSubjects)}\n`,
    );
    expect(scNames).toEqual([
      'Reconnect: from Sales Connect, edited after',
      'Reconnect: from Salesforce, edited after',
    ]);
    expect(sfdcSubjects).toEqual([
      'Reconnect: from Sales Connect, edited after',
      'Reconnect: from Salesforce, edited after',
    ]);
    expect(await links()).toEqual(pairs);
    expect(await settingHistory()).toEqual(historyBefore);
    expect(await importState()).toEqual(importBefore);
  }, 300_000);
});
