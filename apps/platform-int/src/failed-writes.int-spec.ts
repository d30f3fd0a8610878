import type { FailedTaskView } from '@task-sync/contracts/http';
import { type SalesforceAdmin, type ServiceProcess, waitFor } from '@task-sync/testing-stack';
import { useKafkaClients } from './support/stack';
import { connectRep, startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';

const SECRET = 'failed-writes-spec-secret-failed-writes-00';

describe('dead-lettered writes retry by themselves, and each failed task shows in connector-settings', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;
  let settings: ServiceProcess;
  let admin: SalesforceAdmin;
  let orgId: string;

  async function connectAndEnable() {
    const { sc, connectionId, jwt, enable } = await connectRep(stack, 'tenant-failed-writes');
    expect((await enable(true)).status).toBe(200);
    const failedTasks = async (): Promise<FailedTaskView[]> => {
      const res = await fetch(`${settings.url}/v1/connections/${connectionId}/failed-tasks`, {
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: FailedTaskView[] }).items;
    };
    return { sc, connectionId, failedTasks };
  }

  const sfdcTasksOf = async (scTaskId: string) =>
    (await admin.tasks(orgId)).filter((t) => t.deletedAt === null && t['SalesConnect_Task_Id__c'] === scTaskId);

  beforeAll(async () => {
    stack = await startSyncStack({
      databaseSuffix: 'failed_writes',
      jwtSecret: SECRET,
      kafkaAdmin: kafka.admin,
      env: {
        reconciler: {
          SFDC_WRITE_GATHER_MS: '200',
          // The schedule shortened from 30 minutes: the rule, not the number, is under test.
          FAILED_WRITE_RETRY_INTERVAL_MS: '1500',
          FAILED_WRITE_MAX_ATTEMPTS: '1000',
        },
      },
    });
    ({ settings, admin, orgId } = stack);
  }, 180_000);

  afterAll(() => stopSyncStack(stack ?? {}));

  it('a create Salesforce refuses is a failed task in the API, retried on the schedule while refused, and lands by itself once the rule is gone', async () => {
    const { sc, failedTasks } = await connectAndEnable();
    await admin.addValidationRule(orgId, {
      name: 'NoSecretPlans',
      field: 'Subject',
      condition: 'equals',
      value: 'Secret plan',
      message: 'Subjects may not say Secret plan',
    });
    const refused = await sc.create({ name: 'Secret plan', dueDate: '2026-12-10' });

    const [failed] = await waitFor('the failed task in the API', async () => {
      const items = await failedTasks();
      return items.length > 0 ? items : undefined;
    });
    expect(failed).toMatchObject({
      side: 'sfdc',
      salesConnectTaskId: refused.id,
      sfdcTaskId: null,
      kind: 'create',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      reason: expect.stringContaining('Subjects may not say Secret plan'),
      attempts: 1,
    });
    expect(Date.parse(failed.nextRetryAt ?? '') - Date.parse(failed.firstFailedAt)).toBeGreaterThanOrEqual(1500);

    // Nobody touches the task: the reconciler tries again on its own, and it is still refused.
    await waitFor(
      'a scheduled retry, refused again',
      async () => ((await failedTasks())[0]?.attempts ?? 0) >= 2 || undefined,
      20_000,
    );
    expect(await sfdcTasksOf(refused.id)).toEqual([]);

    // The rule is fixed: the next scheduled retry lands, once, and the failed state clears.
    await admin.deleteValidationRule(orgId, 'NoSecretPlans');
    const [landed] = await waitFor(
      'the task in Salesforce',
      async () => {
        const found = await sfdcTasksOf(refused.id);
        return found.length > 0 ? found : undefined;
      },
      20_000,
    );
    expect(landed).toMatchObject({
      Subject: 'Secret plan',
      ActivityDate: '2026-12-10',
      lastModifiedByClient: 'task-sync',
    });
    await waitFor('the failed task cleared', async () => (await failedTasks()).length === 0 || undefined);
    expect(await sfdcTasksOf(refused.id)).toHaveLength(1);

    // The route is in the OpenAPI document the service serves.
    const doc = (await (await fetch(`${settings.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, { get?: { summary: string } }>;
    };
    expect(doc.paths['/v1/connections/{id}/failed-tasks']?.get?.summary).toMatch(/tried again automatically/);
  });

  it("a required custom field the sync does not fill: each create is a failed task with Salesforce's message, tried again only on the schedule (no retry loop)", async () => {
    const { sc, failedTasks } = await connectAndEnable();
    await admin.addTaskField(orgId, { name: 'Region__c', type: 'string', required: true });
    try {
      const upsertCalls = () =>
        admin.callCount('POST composite (PATCH composite/sobjects/Task/SalesConnect_Task_Id__c)');
      const callsBefore = await upsertCalls();
      const refused = await sc.create({ name: 'Plan the Q1 review', dueDate: '2026-12-12' });
      const [failed] = await waitFor('the failed task in the API', async () => {
        const items = (await failedTasks()).filter((f) => f.salesConnectTaskId === refused.id);
        return items.length > 0 ? items : undefined;
      });
      expect(failed).toMatchObject({
        side: 'sfdc',
        kind: 'create',
        code: 'REQUIRED_FIELD_MISSING',
        reason: expect.stringContaining('Required fields are missing: [Region__c]'),
        attempts: 1,
      });

      // Left alone, it is tried again on the schedule (FAILED_WRITE_RETRY_INTERVAL_MS, 1.5 s here), one Salesforce call an attempt.
      const again = await waitFor(
        'two scheduled retries',
        async () => (await failedTasks()).find((f) => f.salesConnectTaskId === refused.id && f.attempts >= 3),
        30_000,
      );
      const calls = (await upsertCalls()) - callsBefore;
      const spanMs = Date.parse(again.nextRetryAt ?? '') - Date.parse(again.firstFailedAt);
      console.log(
        `failed-writes: required field: ${again.attempts} attempts, ${calls} upsert calls, next retry ${spanMs} ms after the first failure`,
      );
      expect(calls).toBeLessThanOrEqual(again.attempts + 1);
      expect(spanMs).toBeGreaterThanOrEqual((again.attempts - 1) * 1500);
      expect(await sfdcTasksOf(refused.id)).toEqual([]);
    } finally {
      await admin.deleteTaskField(orgId, 'Region__c');
    }
  });

  it("an update a validation rule refuses is a failed task of kind update with Salesforce's message; the task in Salesforce keeps what it had", async () => {
    const { sc, failedTasks } = await connectAndEnable();
    const task = await sc.create({ name: 'Renewal call', dueDate: '2026-12-14' });
    const [landed] = await waitFor('the task in Salesforce', async () => {
      const found = await sfdcTasksOf(task.id);
      return found.length > 0 ? found : undefined;
    });
    await admin.addValidationRule(orgId, {
      name: 'NoPastDue',
      field: 'ActivityDate',
      condition: 'dateBefore',
      value: '2026-12-01',
      message: 'Due dates cannot be moved into the past',
    });
    try {
      await sc.patch(task.id, { dueDate: '2026-11-20' });
      const failed = await waitFor('the failed update in the API', async () =>
        (await failedTasks()).find((f) => f.salesConnectTaskId === task.id),
      );
      expect(failed).toMatchObject({
        side: 'sfdc',
        sfdcTaskId: landed.Id,
        kind: 'update',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        reason: expect.stringContaining('Due dates cannot be moved into the past'),
      });
      expect((await sfdcTasksOf(task.id))[0]).toMatchObject({ ActivityDate: '2026-12-14' });
    } finally {
      await admin.deleteValidationRule(orgId, 'NoPastDue');
    }
  });

  it('a later change of a failed task takes its place: it goes at once, as the task is now', async () => {
    const { sc, failedTasks } = await connectAndEnable();
    await admin.addValidationRule(orgId, {
      name: 'NoDrafts',
      field: 'Subject',
      condition: 'equals',
      value: 'Draft',
      message: 'Name the task',
    });
    try {
      const task = await sc.create({ name: 'Draft', dueDate: '2026-12-11' });
      await waitFor('the failed task in the API', async () =>
        (await failedTasks()).find((f) => f.salesConnectTaskId === task.id),
      );

      await sc.patch(task.id, { name: 'Send Ana the proposal' });
      const [landed] = await waitFor('the renamed task in Salesforce', async () => {
        const found = await sfdcTasksOf(task.id);
        return found.length > 0 ? found : undefined;
      });
      expect(landed).toMatchObject({ Subject: 'Send Ana the proposal', ActivityDate: '2026-12-11' });
      await waitFor('the failed task cleared', async () => (await failedTasks()).length === 0 || undefined);
      expect(await sfdcTasksOf(task.id)).toHaveLength(1);
    } finally {
      await admin.deleteValidationRule(orgId, 'NoDrafts');
    }
  });
});
