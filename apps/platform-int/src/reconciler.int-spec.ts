import { SalesConnectAdmin, type ScTask, waitFor, withPg } from '@task-sync/testing-stack';
import { useKafkaClients } from './support/stack';
import { connectRep, startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'reconciler-spec-secret-reconciler-spec-0000';
const HOUR = 3_600_000;

type SfdcTaskRow = Record<string, unknown> & {
  Id: string;
  deletedAt: string | null;
  lastModifiedByClient: string | null;
};

describe('reconciler: both sides kept equal', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;

  const connectAndEnable = () => connectRep(stack, 'tenant-reconciler');
  const sfdcTasks = async (filter: (t: SfdcTaskRow) => boolean) =>
    (await stack.admin.tasks(stack.orgId)).filter((t) => t.deletedAt === null && filter(t));

  /** The Salesforce task the sync made for a Sales Connect task, once it is there. */
  const pushedOf = (scTaskId: string, what = 'the task in Salesforce') =>
    waitFor(what, async () => (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === scTaskId))[0]);

  /** A second apart, because Salesforce stamps whole seconds. */
  const editSalesforceAroundSalesConnect = async (
    rep: Awaited<ReturnType<typeof connectAndEnable>>,
    scTaskId: string,
    sfdcTaskId: string,
  ) => {
    await rep.sfdc.updateTask(sfdcTaskId, { Subject: 'renamed in Salesforce' });
    await rep.sc.patch(scTaskId, { details: 'edited in Sales Connect' });
    await sleep(1_100);
    await rep.sfdc.updateTask(sfdcTaskId, { Description: 'edited in Salesforce, later' });
    await waitFor('the Salesforce edits in Sales Connect', async () =>
      (await rep.sc.listTasks()).find(
        (t) => t.id === scTaskId && t.name === 'renamed in Salesforce' && t.details === 'edited in Salesforce, later',
      ),
    );
  };

  beforeAll(async () => {
    stack = await startSyncStack({ databaseSuffix: 'reconciler', jwtSecret: SECRET, kafkaAdmin: kafka.admin });
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  it('R2 and R6: imported Salesforce tasks land in Sales Connect once; edits, completes and deletes cross both ways', async () => {
    const { sfdc, sc, enable } = await connectAndEnable();
    await stack.admin.setClock(new Date(Date.now() - 2 * HOUR));
    const imported = await sfdc.createTask({
      Subject: 'Call Ana',
      ActivityDate: '2026-12-01',
      Priority: 'High',
      Status: 'Completed',
    });
    await stack.admin.resetClock();
    const before = await sc.create({ name: 'existed before the enable' });
    expect((await enable(true)).status).toBe(200);

    const landed = await waitFor('the import in Sales Connect', async () =>
      (await sc.listTasks()).find((t) => t.name === 'Call Ana'),
    );
    expect(landed).toMatchObject({
      dueDate: '2026-12-01',
      priority: 'High',
      status: 'Complete',
      lastModifiedBy: 'task-sync',
    });

    // Sales Connect → Salesforce, as an upsert by the external id, marked as ours.
    const created = await sc.create({ name: 'Send proposal', dueDate: '2026-12-02', details: 'v2' });
    const pushed = await pushedOf(created.id, 'the new task in Salesforce');
    expect(pushed).toMatchObject({
      Subject: 'Send proposal',
      ActivityDate: '2026-12-02',
      Description: 'v2',
      Status: 'Not Started',
      lastModifiedByClient: 'task-sync',
    });

    // Salesforce edit → Sales Connect; Sales Connect complete → Salesforce.
    await sfdc.updateTask(imported, { Subject: 'Call Ana back', Status: 'Not Started' });
    await waitFor('the edit in Sales Connect', async () =>
      (await sc.listTasks()).find((t) => t.id === landed.id && t.name === 'Call Ana back' && t.status === 'Open'),
    );
    await sc.complete(created.id);
    await waitFor(
      'the completion in Salesforce',
      async () => (await sfdcTasks((t) => t.Id === pushed.Id && t['Status'] === 'Completed'))[0],
    );

    await sfdc.deleteTask(imported);
    await waitFor('the delete in Sales Connect', async () => !(await sc.listTasks()).some((t) => t.id === landed.id));
    await sc.delete(created.id);
    await waitFor('the delete in Salesforce', async () => (await sfdcTasks((t) => t.Id === pushed.Id)).length === 0);

    // R3 and no duplicates: the task from before the enable never went over; each crossed once.
    expect(
      await sfdcTasks(
        (t) => t['Subject'] === 'existed before the enable' || t['SalesConnect_Task_Id__c'] === before.id,
      ),
    ).toEqual([]);
    const names = (await sc.listTasks()).map((t: ScTask) => t.name);
    expect(names).toEqual(['existed before the enable']);

    // What was decided, for an operator: creates each way, echoes recognised.
    const reconciler = stack.reconciler;
    expect(
      await reconciler.metric('tasksync_reconciler_decisions_total', { action: 'create', side: 'sfdc' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await reconciler.metric('tasksync_reconciler_decisions_total', { action: 'create', side: 'salesconnect' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await reconciler.metric('tasksync_reconciler_decisions_total', { action: 'ignore:echo' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('fast recovery: the reconciler SIGKILLed in a burst serves its partitions again soon after its restart, nothing lost or doubled', async () => {
    const { sc, enable } = await connectAndEnable();
    expect((await enable(true)).status).toBe(200);
    const names = [0, 1, 2, 3, 4, 5].map((i) => `recovery burst ${i}`);
    const created: { id: string }[] = [];
    for (const name of names) created.push(await sc.create({ name }));
    await waitFor(
      'the burst reaching Salesforce',
      async () => (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === created[0].id)).length > 0,
    );

    // A crash leaves no goodbye: the group learns of it only when the member's session runs out.
    const reconciler = stack.reconciler;
    expect((await reconciler.stop('SIGKILL')).code).toBeNull();
    const restartedAt = Date.now();
    await reconciler.restart(); // ready = back in its consumer group, with partitions assigned
    const readyMs = Date.now() - restartedAt;
    const after = await sc.create({ name: 'recovery after the restart' });
    created.push(after);
    await waitFor(
      'the change made after the restart in Salesforce',
      async () => (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === after.id)).length > 0,
      30_000,
    );
    const servedMs = Date.now() - restartedAt;
    console.log(
      `fast recovery: the reconciler was ready ${readyMs} ms after its restart; a change made then was in Salesforce ${servedMs} ms after the restart (KAFKA_SESSION_TIMEOUT_MS default)`,
    );

    // Nothing lost, nothing doubled: each task once in Salesforce, also after the redelivered tail settled.
    const once = async () => {
      const pushed = await sfdcTasks((t) => created.some((c) => c.id === t['SalesConnect_Task_Id__c']));
      return (
        pushed.length === created.length &&
        new Set(pushed.map((t) => t['SalesConnect_Task_Id__c'])).size === created.length
      );
    };
    await waitFor('every task of the burst once in Salesforce', once);
    await sleep(2_000);
    const pushed = await sfdcTasks((t) => created.some((c) => c.id === t['SalesConnect_Task_Id__c']));
    expect(pushed.map((t) => t['Subject']).sort()).toEqual([...names, 'recovery after the restart'].sort());
  });

  it('a Sales Connect edit held over an unread Salesforce edit is never written blind: with sfdc-ingest down, the reconciler reads the task itself and the later Salesforce edit wins on both sides', async () => {
    const rep = await connectAndEnable();
    const { sc, enable } = rep;
    expect((await enable(true)).status).toBe(200);
    const task = await sc.create({ name: 'held write', details: 'first' });
    const pushed = await pushedOf(task.id);
    await sleep(2_000); // the create's echo read back (polls every 400 ms)

    // sfdc-ingest down: Sales Connect's write to Salesforce is held, the task having changed after the last change read.
    expect((await stack.sfdcIngest.stop()).code).toBe(0);
    const readsBefore = await stack.reconciler.metric('tasksync_reconciler_held_write_reads_total', {
      side: 'sfdc',
      outcome: 'decided',
    });
    // The held write's target read directly: both Salesforce edits reach Sales Connect without the ingest,
    // and the older Sales Connect edit is not written over the newer Salesforce one.
    await editSalesforceAroundSalesConnect(rep, task.id, pushed.Id);
    expect(
      await stack.reconciler.metric('tasksync_reconciler_held_write_reads_total', { side: 'sfdc', outcome: 'decided' }),
    ).toBeGreaterThan(readsBefore);
    await sleep(2_000);
    expect((await sfdcTasks((t) => t.Id === pushed.Id))[0]).toMatchObject({
      Subject: 'renamed in Salesforce',
      Description: 'edited in Salesforce, later',
    });

    // sfdc-ingest back: what it reads now was decided already; both sides stay as they are, once.
    await stack.sfdcIngest.restart();
    await sleep(3_000);
    expect(
      (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === task.id)).map((t) => [t.Subject, t.Description]),
    ).toEqual([['renamed in Salesforce', 'edited in Salesforce, later']]);
    expect(
      (await sc.listTasks())
        .filter((t) => t.id === task.id || t.name === 'renamed in Salesforce')
        .map((t) => [t.name, t.details]),
    ).toEqual([['renamed in Salesforce', 'edited in Salesforce, later']]);
  });

  it("an update right after the sync's own create waits for the create to be read back without a call: with sfdc-ingest down, no update reaches Salesforce until the reconciler reads the task itself, then one lands", async () => {
    const rep = await connectAndEnable();
    const { sc, enable } = rep;
    expect((await enable(true)).status).toBe(200);
    expect((await stack.sfdcIngest.stop()).code).toBe(0);
    const task = await sc.create({ name: 'own create unread', details: 'first' });
    const pushed = await pushedOf(task.id);
    /** The org's Composite requests that update a task by id (refused with 412 or not), as the sandbox counted them. */
    const updateCalls = () => stack.admin.writeCalls(stack.orgId, /PATCH sobjects\/Task\//);
    const before = await updateCalls();
    await sc.patch(task.id, { details: 'edited right after' });
    await waitFor('the reconciler to hold the update', async () =>
      stack.reconciler.logs.some(
        (l) =>
          /sfdc update of link .* waits/.test(String(l.msg)) &&
          !String(l.msg).includes('Salesforce changed the task at'),
      ),
    );
    // Sent, each round's If-Unmodified-Since (nothing read: the epoch) would be refused, every HOLD_RETRY_MS.
    await sleep(3_000);
    expect(await updateCalls()).toBe(before);

    // Past HELD_WRITE_READ_AFTER_MS the reconciler reads the task itself; then the update goes, once.
    await waitFor(
      'the edit in Salesforce',
      async () =>
        (await sfdcTasks((t) => t.Id === pushed.Id))[0]?.['Description'] === 'edited right after' ? true : undefined,
      30_000,
    );
    expect(await updateCalls()).toBe(before + 1);
    await stack.sfdcIngest.restart();
  });

  it('a link that lost its create’s answer (no Salesforce id) does not write by external id over an unread Salesforce edit: the task is found by it, read and decided', async () => {
    const rep = await connectAndEnable();
    const { sc, enable } = rep;
    expect((await enable(true)).status).toBe(200);
    const task = await sc.create({ name: 'lost answer', details: 'first' });
    const pushed = await pushedOf(task.id);
    await sleep(2_000); // the create's echo read back

    // As if the create's answer had been lost (a crash between Salesforce's answer and the commit), with sfdc-ingest down.
    expect((await stack.sfdcIngest.stop()).code).toBe(0);
    await withPg(stack.databaseUrl, (c) =>
      c.query(`UPDATE reconciler.task_link SET sfdc_task_id = NULL WHERE salesconnect_task_id = $1`, [task.id]),
    );
    await editSalesforceAroundSalesConnect(rep, task.id, pushed.Id);
    await sleep(2_000);
    expect(
      (await sfdcTasks((t) => t['SalesConnect_Task_Id__c'] === task.id)).map((t) => [
        t.Id,
        t['Subject'],
        t['Description'],
      ]),
    ).toEqual([[pushed.Id, 'renamed in Salesforce', 'edited in Salesforce, later']]);
    // The link learned the task's id again from the lookup.
    const links = await withPg(stack.databaseUrl, (c) =>
      c.query<{ sfdc_task_id: string | null }>(
        `SELECT sfdc_task_id FROM reconciler.task_link WHERE salesconnect_task_id = $1 AND unlinked_at IS NULL`,
        [task.id],
      ),
    );
    expect(links.rows.map((r) => r.sfdc_task_id)).toEqual([pushed.Id]);
    await stack.sfdcIngest.restart();
  });

  it('R2 and R6: a Salesforce task made after the enable, while sfdc-ingest was down, is created in Sales Connect once the ingest is back (its import reads it)', async () => {
    const { sfdc, sc, enable } = await connectAndEnable();
    expect((await stack.sfdcIngest.stop()).code).toBe(0);
    try {
      expect((await enable(true)).status).toBe(200);
      await sleep(1_100); // Salesforce stamps whole seconds: this one is clearly after the enable
      await sfdc.createTask({ Subject: 'made while the ingest was down' });
    } finally {
      await stack.sfdcIngest.restart();
    }
    // The enable's import reads it (changed after the enable, within its query); the poll's read of it is the same change.
    await waitFor(
      'the task in Sales Connect',
      async () => (await sc.listTasks()).find((t) => t.name === 'made while the ingest was down'),
      30_000,
    );
  });

  it('R6: a Sales Connect copy deleted before the sync stored its id (the create’s answer lost) deletes the Salesforce task once the create lands', async () => {
    const { sfdc, sc, enable } = await connectAndEnable();
    expect((await enable(true)).status).toBe(200);
    const scAdmin = new SalesConnectAdmin(stack.scSandbox.url);
    // The delete's decision either way: it waits for the create (the fix) or is ignored as never paired.
    const deletesDecided = async () =>
      (await stack.reconciler.metric('tasksync_reconciler_decisions_total', {
        action: 'await-own-create',
        side: 'salesconnect',
      })) +
      (await stack.reconciler.metric('tasksync_reconciler_decisions_total', {
        action: 'ignore:not-linked',
        side: 'salesconnect',
      }));
    const decidedBefore = await deletesDecided();
    const subject = 'deleted while its copy was being made';
    let made = '';
    // Sales Connect makes the copy but its answer is lost: the reconciler's create retries, the link has no id.
    await scAdmin.setFaults({ shares: { lostCreateResponse: 1 } });
    try {
      made = await sfdc.createTask({ Subject: subject });
      const copy = await waitFor('the copy made in Sales Connect', async () =>
        (await sc.listTasks()).find((t) => t.name === subject),
      );
      await sc.delete(copy.id);
      await waitFor('the rep’s delete decided', async () => (await deletesDecided()) > decidedBefore);
    } finally {
      await scAdmin.clearFaults();
    }
    await waitFor(
      'the Salesforce task deleted',
      async () => (await sfdcTasks((t) => t.Id === made)).length === 0,
      30_000,
    );
    expect((await sc.listTasks()).filter((t) => t.name === subject)).toEqual([]);
  });

  it('a title of emoji longer than Salesforce takes is cut in UTF-16 code units (an emoji is two) and lands, whole emoji only; Sales Connect keeps the full title', async () => {
    const { sc, enable } = await connectAndEnable();
    expect((await enable(true)).status).toBe(200);
    const name = '😀'.repeat(200); // 200 characters, 400 UTF-16 code units: over Subject's 255
    const task = await sc.create({ name });
    const pushed = await pushedOf(task.id);
    expect(pushed['Subject']).toBe('😀'.repeat(127) + '…');
    await sleep(2_000); // the create's echo read back: the cut title is not taken for an edit
    expect((await sc.listTasks()).find((t) => t.id === task.id)?.name).toBe(name);
  });
});
