import { waitFor } from '@task-sync/testing-stack';
import { useKafkaClients } from './support/stack';
import { connectRep, startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';

const SECRET = 'task-model-spec-secret-task-model-spec-000';

type SfdcTaskRow = Record<string, unknown> & { Id: string; deletedAt: string | null };

/** Issue 22. */
describe('task model: Status from the org’s TaskStatus and record types', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;

  const sfdcTask = async (filter: (t: SfdcTaskRow) => boolean) =>
    (await stack.admin.tasks(stack.orgId)).find((t) => t.deletedAt === null && filter(t));
  const statusOf = (id: string, status: string) => async () => sfdcTask((t) => t.Id === id && t['Status'] === status);

  beforeAll(async () => {
    stack = await startSyncStack({ databaseSuffix: 'task_model', jwtSecret: SECRET, kafkaAdmin: kafka.admin });
    // The org renamed its statuses: none of Salesforce's standard labels is a value any more.
    await stack.admin.setTaskStatuses(stack.orgId, [
      { value: 'Open - New', closed: false, default: true, sortOrder: 1 },
      { value: 'Working', closed: false, sortOrder: 2 },
      { value: 'Done', closed: true, sortOrder: 3 },
      { value: 'Cancelled', closed: true, sortOrder: 4 },
    ]);
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  it('renamed statuses: a Sales Connect task lands as the default open status, a completion as the closed status, a reopen as the default open status again', async () => {
    const { sc, enable } = await connectRep(stack, 'tenant-task-model');
    expect((await enable(true)).status).toBe(200);

    const task = await sc.create({ name: 'Send Ana the renewal', dueDate: '2026-12-10' });
    const created = await waitFor('the new task in Salesforce', () =>
      sfdcTask((t) => t['SalesConnect_Task_Id__c'] === task.id),
    );
    expect(created).toMatchObject({ Subject: 'Send Ana the renewal', Status: 'Open - New', IsClosed: false });

    await sc.complete(task.id);
    expect(await waitFor('the completion in Salesforce', statusOf(created.Id, 'Done'))).toMatchObject({
      IsClosed: true,
    });

    await sc.reopen(task.id);
    expect(await waitFor('the reopen in Salesforce', statusOf(created.Id, 'Open - New'))).toMatchObject({
      IsClosed: false,
    });
  });

  it('TaskSubtype is set on create only: a later change of the type in Sales Connect never fails the write, its other fields land', async () => {
    const { sc, enable } = await connectRep(stack, 'tenant-task-model');
    expect((await enable(true)).status).toBe(200);
    const task = await sc.create({ name: 'Call Caio', dueDate: '2026-12-13', type: 'call' });
    const created = await waitFor('the new task in Salesforce', () =>
      sfdcTask((t) => t['SalesConnect_Task_Id__c'] === task.id),
    );
    expect(created).toMatchObject({ TaskSubtype: 'Call' });

    // Salesforce refuses TaskSubtype on an update (INVALID_FIELD_FOR_INSERT_UPDATE): it is left out, the rest goes.
    await sc.patch(task.id, { type: 'email', name: 'E-mail Caio instead' });
    const updated = await waitFor('the rename in Salesforce', () =>
      sfdcTask((t) => t.Id === created.Id && t['Subject'] === 'E-mail Caio instead'),
    );
    expect(updated).toMatchObject({ TaskSubtype: 'Call' });
  });

  it("record types: a task gets a status its own record type allows (a create: the rep's default record type)", async () => {
    const sales = await stack.admin.addRecordType(stack.orgId, {
      developerName: 'Sales',
      name: 'Sales Task',
      statuses: ['Open - New', 'Done'],
      defaultStatus: 'Open - New',
    });
    const support = await stack.admin.addRecordType(stack.orgId, {
      developerName: 'Support',
      name: 'Support Task',
      statuses: ['Working', 'Cancelled'],
      defaultStatus: 'Working',
    });
    const { sc, sfdc, enable, sfdcUsername } = await connectRep(stack, 'tenant-task-model');
    const repId = (await stack.admin.users(stack.orgId)).find((u) => u.username === sfdcUsername)?.id as string;
    await stack.admin.setUserRecordType(stack.orgId, repId, 'Support');
    expect((await enable(true)).status).toBe(200);

    // Created in Sales Connect: the rep's default record type (Support) allows neither the org's default nor Done.
    const task = await sc.create({ name: 'Fix the printer', dueDate: '2026-12-11' });
    const created = await waitFor('the new task in Salesforce', () =>
      sfdcTask((t) => t['SalesConnect_Task_Id__c'] === task.id),
    );
    expect(created).toMatchObject({ RecordTypeId: support.Id, Status: 'Working' });
    await sc.complete(task.id);
    expect(await waitFor('the completion in Salesforce', statusOf(created.Id, 'Cancelled'))).toMatchObject({
      IsClosed: true,
    });
    await sc.reopen(task.id);
    await waitFor('the reopen in Salesforce', statusOf(created.Id, 'Working'));

    // Made in Salesforce with the other record type: its own values count, not the rep's default's.
    const salesTaskId = await sfdc.createTask({
      Subject: 'Quote for Bia',
      ActivityDate: '2026-12-12',
      RecordTypeId: sales.Id,
    });
    const imported = await waitFor('the Salesforce task in Sales Connect', async () =>
      (await sc.listTasks()).find((t) => t.name === 'Quote for Bia'),
    );
    await sc.complete(imported.id);
    expect(await waitFor('the completion in Salesforce', statusOf(salesTaskId, 'Done'))).toMatchObject({
      RecordTypeId: sales.Id,
      IsClosed: true,
    });
    await sc.reopen(imported.id);
    await waitFor('the reopen in Salesforce', statusOf(salesTaskId, 'Open - New'));

    // Each record type's values were read once for all these writes (the catalog keeps them for ORG_STATUSES_REFRESH_MS).
    const calls = (await stack.admin.calls()).filter((c) => /ui-api|describe/.test(c.endpoint));
    console.log(
      `task-model: Salesforce calls learning the statuses: ${calls.map((c) => `${c.endpoint} ×${c.count}`).join(', ')}`,
    );
    expect(calls.filter((c) => c.endpoint.includes('ui-api')).reduce((sum, c) => sum + c.count, 0)).toBe(2);
  });
});
