import { waitFor, withPg } from '@task-sync/testing-stack';
import { useKafkaClients } from './support/stack';
import { connectRep, startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';

const SECRET = 'drift-repair-spec-secret-drift-repair-000';
const EPOCH = new Date(0).toISOString();

type SfdcTaskRow = Record<string, unknown> & {
  Id: string;
  deletedAt: string | null;
  lastModifiedByClient: string | null;
};
type LinkRow = {
  salesconnect_task_id: string;
  sfdc_task_id: string | null;
  unlinked_at: Date | null;
  last_seen_sfdc: string;
  queued: number;
};

/** Both ingests are stopped after the pairs are linked, so the edits made next reach the reconciler by no event: drift on purpose. */
describe('reconciler: drift repair', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;

  beforeAll(async () => {
    stack = await startSyncStack({
      databaseSuffix: 'drift',
      jwtSecret: SECRET,
      kafkaAdmin: kafka.admin,
      env: {
        reconciler: {
          SFDC_WRITE_GATHER_MS: '200',
          // On demand only here, and every difference counts at once (the ingests are stopped: nothing is on its way).
          DRIFT_REPAIR_INTERVAL_MS: '0',
          DRIFT_REPAIR_SETTLE_MS: '0',
          // Two pairs a batch and four calls a pass (a batch reserves three): a pass of five pairs stops after two batches.
          DRIFT_REPAIR_BATCH_SIZE: '2',
          DRIFT_REPAIR_MAX_SFDC_CALLS: '4',
        },
      },
    });
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  const links = (connectionId: string) =>
    withPg(stack.databaseUrl, async (c) => {
      const { rows } = await c.query<LinkRow>(
        `SELECT l.salesconnect_task_id, l.sfdc_task_id, l.unlinked_at, l.link->'lastSeen'->>'sfdc' AS last_seen_sfdc,
                (SELECT count(*)::int FROM reconciler.task_write w WHERE w.link_id = l.id) AS queued
           FROM reconciler.task_link l WHERE l.connection_id = $1`,
        [connectionId],
      );
      return rows;
    });

  /** The reconciler's development OPERATOR_TOKEN (the stack runs on the defaults). */
  const operator = { authorization: 'Bearer dev-only-reconciler-operator-token' };

  const repair = async (connectionId: string) => {
    const response = await fetch(`${stack.reconciler.url}/internal/connections/${connectionId}/repair`, {
      method: 'POST',
      headers: operator,
    });
    const body = (await response.json()) as Record<string, unknown>;
    // On a failure, the reconciler's errors say why.
    if (response.status !== 200)
      throw new Error(
        `repair answered ${response.status} ${JSON.stringify(body)}: ${JSON.stringify(stack.reconciler.logs.slice(-8))}`,
      );
    return body;
  };

  const repairRuns = (connectionId: string, headers: Record<string, string> = operator) =>
    fetch(`${stack.reconciler.url}/internal/connections/${connectionId}/repair-runs`, { headers });

  /** Waits until the sync itself linked `count` pairs: each written to Salesforce and its echo read back. */
  const waitForLinkedPairs = (connectionId: string, count: number) =>
    waitFor(
      `${count} linked pairs, written and seen back`,
      async () => {
        const rows = await links(connectionId);
        if (rows.length === count && rows.every((r) => r.sfdc_task_id && r.queued === 0 && r.last_seen_sfdc !== EPOCH))
          return true;
        throw new Error(`links: ${JSON.stringify(rows.map((r) => [r.sfdc_task_id, r.queued, r.last_seen_sfdc]))}`);
      },
      120_000, // a loaded machine; the echoes come by a 400 ms poll
    );

  /** The drift counters: pairs unlinked, repaired and in sync, Salesforce calls, on-demand passes cut short. */
  const driftMetrics = () => {
    const metric = (name: string, labels: Record<string, string> = {}) => stack.reconciler.metric(name, labels);
    return Promise.all([
      metric('tasksync_reconciler_drift_pairs_total', { outcome: 'unlinked' }),
      metric('tasksync_reconciler_drift_pairs_total', { outcome: 'repaired' }),
      metric('tasksync_reconciler_drift_pairs_total', { outcome: 'in-sync' }),
      metric('tasksync_reconciler_drift_sfdc_calls_total'),
      metric('tasksync_reconciler_drift_passes_total', { trigger: 'on-demand', status: 'cut-short' }),
    ]);
  };

  const reconcilerSees = (connectionId: string, enabled: boolean) =>
    waitFor(`the reconciler to see sync ${enabled ? 'on' : 'off'}`, () =>
      withPg(
        stack.databaseUrl,
        async (c) =>
          (
            await c.query(`SELECT 1 FROM reconciler.connection_setting WHERE connection_id = $1 AND enabled = $2`, [
              connectionId,
              enabled,
            ])
          ).rowCount === 1,
      ),
    );

  it('the internal routes open only with the operator token: none or a wrong one is refused 401, and no pass runs', async () => {
    const { connectionId } = await connectRep(stack, 'tenant-drift-auth');
    for (const headers of [{}, { authorization: 'Bearer not-the-operator-token-0123456789' }] as Record<
      string,
      string
    >[]) {
      const run = await fetch(`${stack.reconciler.url}/internal/connections/${connectionId}/repair`, {
        method: 'POST',
        headers,
      });
      expect(run.status).toBe(401);
      expect(await run.json()).toMatchObject({ error: 'UNAUTHORIZED' });
      expect((await repairRuns(connectionId, headers)).status).toBe(401);
    }
    const runs = (await (await repairRuns(connectionId)).json()) as { items: unknown[] };
    expect(runs.items).toEqual([]);
  });

  it('R7: after a re-enable, a pair edited in Sales Connect while sync was off is made equal, and one deleted there while off is unlinked with its Salesforce task left alone', async () => {
    const { sc, connectionId, enable } = await connectRep(stack, 'tenant-drift-r7');
    expect((await enable(true)).status).toBe(200);
    const edited = await sc.create({ name: 'R7 edited while off', details: 'v1' });
    const deleted = await sc.create({ name: 'R7 deleted while off' });
    await waitForLinkedPairs(connectionId, 2);

    expect((await enable(false)).status).toBe(200);
    await reconcilerSees(connectionId, false);
    await sc.patch(edited.id, { details: 'v2, written while off' });
    await sc.delete(deleted.id);
    expect((await enable(true)).status).toBe(200);
    await reconcilerSees(connectionId, true);

    const report = await repair(connectionId);
    expect(report).toMatchObject({
      status: 'done',
      pairsChecked: 2,
      differences: 2,
      repaired: 1,
      unlinked: 1,
      error: null,
    });
    const sfdcOf = async (scId: string) =>
      ((await stack.admin.tasks(stack.orgId)) as SfdcTaskRow[]).find((t) => t['SalesConnect_Task_Id__c'] === scId);
    await waitFor(
      'the edit made while off in Salesforce',
      async () => (await sfdcOf(edited.id))?.['Description'] === 'v2, written while off',
    );
    // Only Salesforce deletions come back (R5): the Sales Connect one made while off leaves the Salesforce task as it was.
    expect(await sfdcOf(deleted.id)).toMatchObject({ Subject: 'R7 deleted while off', deletedAt: null });
    expect(
      (await links(connectionId)).filter((r) => r.unlinked_at !== null).map((r) => r.salesconnect_task_id),
    ).toEqual([deleted.id]);
  }, 240_000);

  it('finds what no event brought, repairs it with the conflict rule, unlinks the pairs whose side is gone, and a second pass finds nothing', async () => {
    const metricsBefore = await driftMetrics();
    const { sfdc, sc, connectionId, enable } = await connectRep(stack, 'tenant-drift');
    expect((await enable(true)).status).toBe(200);

    // Five pairs, linked by the sync itself: created in Sales Connect, pushed to Salesforce, their echoes read back.
    const names = [
      'edited in Salesforce',
      'edited in Sales Connect',
      'deleted in Sales Connect',
      'deleted in Salesforce',
      'left alone',
    ];
    const created: Record<string, string> = {};
    for (const name of names) created[name] = (await sc.create({ name, dueDate: '2026-12-10', details: 'v1' })).id;
    const sfdcRows = async () => (await stack.admin.tasks(stack.orgId)) as SfdcTaskRow[];
    const sfdcOf = async (name: string) =>
      (await sfdcRows()).find((t) => t['SalesConnect_Task_Id__c'] === created[name]);
    await waitForLinkedPairs(connectionId, 5);
    const sfdcId: Record<string, string> = {};
    for (const name of names) sfdcId[name] = (await sfdcOf(name))?.Id as string;

    // From here on no change reaches the reconciler: both ingests are down.
    await stack.sfdcIngest.stop();
    await stack.scIngest.stop();
    await sfdc.updateTask(sfdcId['edited in Salesforce'], {
      Subject: 'edited in Salesforce, v2',
      ActivityDate: '2026-12-11',
    });
    await sc.patch(created['edited in Sales Connect'], { name: 'edited in Sales Connect, v2', details: 'v2' });
    await sc.complete(created['edited in Sales Connect']);
    await sc.delete(created['deleted in Sales Connect']);
    await sfdc.deleteTask(sfdcId['deleted in Salesforce']);

    // The first pass stops at its call bound, the second goes on after the last pair it checked.
    const first = await repair(connectionId);
    expect(first).toMatchObject({
      status: 'cut-short',
      trigger: 'on-demand',
      pairsChecked: 4,
      skipped: 0,
      sfdcCalls: 2,
      salesConnectCalls: 2,
      error: null,
    });
    const rest = await repair(connectionId);
    expect(rest).toMatchObject({
      status: 'done',
      pairsChecked: 1,
      skipped: 0,
      sfdcCalls: 1,
      salesConnectCalls: 1,
      error: null,
    });
    const sum = (key: string) => Number(first[key]) + Number(rest[key]);
    expect(['differences', 'repaired', 'unlinked'].map(sum)).toEqual([4, 2, 2]);

    // Both sides equal, each field from the side that changed it.
    await waitFor('the repairs written to both sides', async () => {
      const rows = await links(connectionId);
      return rows.every((r) => r.queued === 0) && rows;
    });
    const scTasks = await sc.listTasks();
    const scByName = (id: string) => scTasks.find((t) => t.id === id);
    expect(scByName(created['edited in Salesforce'])).toMatchObject({
      name: 'edited in Salesforce, v2',
      dueDate: '2026-12-11',
      details: 'v1',
      status: 'Open',
    });
    expect(await sfdcOf('edited in Sales Connect')).toMatchObject({
      Subject: 'edited in Sales Connect, v2',
      Description: 'v2',
      Status: 'Completed',
      deletedAt: null,
    });
    expect(await sfdcOf('left alone')).toMatchObject({ Subject: 'left alone', Description: 'v1', deletedAt: null });
    expect(scByName(created['left alone'])).toMatchObject({ name: 'left alone', details: 'v1' });
    // A side gone: deleted on the other side too (both deletions were made while sync was on, R6), and unlinked.
    expect((await sfdcOf('deleted in Sales Connect'))?.deletedAt).toEqual(expect.any(String));
    expect(scByName(created['deleted in Salesforce'])).toBeUndefined();
    const after = await links(connectionId);
    const unlinked = after.filter((r) => r.unlinked_at !== null).map((r) => r.salesconnect_task_id);
    expect(unlinked.sort()).toEqual([created['deleted in Sales Connect'], created['deleted in Salesforce']].sort());

    // The repair's own writes are what both sides hold now: nothing left to repair (a finished pass starts over).
    const second = await repair(connectionId);
    expect(second).toMatchObject({
      status: 'done',
      pairsChecked: 3,
      differences: 0,
      repaired: 0,
      unlinked: 0,
      skipped: 0,
      sfdcCalls: 2,
    });

    const runs = (await (await repairRuns(connectionId)).json()) as { items: Record<string, unknown>[] };
    expect(runs.items.map((r) => [r['status'], r['pairsChecked'], r['differences']])).toEqual([
      ['done', 3, 0],
      ['done', 1, rest['differences']],
      ['cut-short', 4, first['differences']],
    ]);
    const metricsAfter = await driftMetrics();
    // unlinked, repaired, in sync (1 in the passes that repaired, 3 in the last), Salesforce calls (2 + 1 + 2), cut-short passes.
    expect(metricsAfter.map((v, i) => v - metricsBefore[i])).toEqual([2, 2, 4, 5, 1]);
  }, 240_000);
});
