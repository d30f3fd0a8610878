import type { TaskHealthEvent } from '@task-sync/contracts';
import { type SalesforceAdmin, type ServiceProcess, signUserToken, waitFor } from '@task-sync/testing-stack';
import { startHealthStack } from './support/health-stack';
import { connectRep, stopSyncStack, type SyncStack } from './support/sync-stack';
import { uniqueId, useKafkaClients } from './support/stack';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'task-health-spec-secret-task-health-000000';
const TENANT = 'tenant-task-health';

interface Page<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}
interface TaskItem {
  linkId: string;
  subject: string | null;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  salesforceUrl: string | null;
  salesConnectUrl: string | null;
}
interface FailedTaskItem extends TaskItem {
  side: string;
  code: string;
  reason: string;
}
type TimelineEvent = Omit<TaskHealthEvent, 'at'>;

describe('task health: problems, failed tasks, Retry now, Ignore, the task timeline, resync and conflicts', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;
  let settings: ServiceProcess;
  let scSandbox: ServiceProcess;
  let admin: SalesforceAdmin;
  let orgId: string;
  let rep: Awaited<ReturnType<typeof connectRep>>;

  const api = async <T>(
    path: string,
    init: { method?: string; body?: unknown; jwt?: string } = {},
  ): Promise<{ status: number; body: T; response: Response }> => {
    const response = await fetch(`${settings.url}/v1/connections/${rep.connectionId}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.jwt ?? rep.jwt}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T, response };
  };
  const get = async <T>(path: string, jwt?: string): Promise<T> => {
    const { status, body } = await api<T>(path, { jwt });
    expect(status).toBe(200);
    return body;
  };
  const timelineOf = async (linkId: string) =>
    (await get<Page<TimelineEvent> & { task: TaskItem }>(`/tasks/${linkId}/timeline?limit=200`)).items;
  const sfdcTaskOf = async (scTaskId: string) =>
    (await admin.tasks(orgId)).find((t) => t.deletedAt === null && t['SalesConnect_Task_Id__c'] === scTaskId);

  beforeAll(async () => {
    stack = await startHealthStack(kafka.admin, { jwtSecret: SECRET, database: 'task_health' });
    ({ settings, scSandbox, admin, orgId } = stack);
    rep = await connectRep(stack, TENANT);
    expect((await api('/task-sync', { method: 'PUT', body: { enabled: true } })).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await stopSyncStack(stack ?? {});
  });

  /** A Sales Connect task synced to Salesforce: its ids and link. */
  async function syncedTask(name: string) {
    const task = await rep.sc.create({ name, dueDate: '2026-12-14' });
    const sfdc = await waitFor(`${name} in Salesforce`, () => sfdcTaskOf(task.id));
    const [found] = (await waitFor(`${name} found by name`, async () => {
      const page = await get<Page<TaskItem>>(`/tasks?q=${encodeURIComponent(name)}`);
      return page.items.length > 0 ? page.items : undefined;
    })) as TaskItem[];
    return { scTaskId: task.id as string, sfdcTaskId: sfdc.Id, linkId: found.linkId };
  }

  it('a refused update is a problem and a failed task with both links; its timeline says why; fixed and retried, it lands and the timeline shows it', async () => {
    const { scTaskId, sfdcTaskId, linkId } = await syncedTask('Renew Ana');
    await admin.addValidationRule(orgId, {
      name: 'NoUrgentSubjects',
      field: 'Subject',
      condition: 'equals',
      value: 'URGENT Renew Ana',
      message: 'Subjects may not shout URGENT',
    });
    await rep.sc.patch(scTaskId, { name: 'URGENT Renew Ana' });

    const problems = await waitFor('the problem', async () => {
      const body = await get<{
        groups: { code: string; side: string; title: string; advice: string; message: string; count: number }[];
        total: number;
      }>('/problems');
      return body.total > 0 ? body : undefined;
    });
    expect(problems.groups).toEqual([
      {
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        side: 'sfdc',
        title: expect.stringMatching(/validation rule/),
        advice: expect.any(String),
        message: expect.stringContaining('Subjects may not shout URGENT'),
        count: 1,
      },
    ]);
    const failed = await get<Page<FailedTaskItem>>('/failed-tasks?code=FIELD_CUSTOM_VALIDATION_EXCEPTION&side=sfdc');
    expect(failed).toMatchObject({ total: 1, nextOffset: null });
    expect(failed.items[0]).toMatchObject({
      linkId,
      subject: 'URGENT Renew Ana',
      salesConnectTaskId: scTaskId,
      sfdcTaskId,
      salesConnectUrl: `${scSandbox.url}/app/tasks/${scTaskId}`,
      salesforceUrl: expect.stringMatching(new RegExp(`/lightning/r/Task/${sfdcTaskId}/view$`)),
    });
    expect((await get<Page<FailedTaskItem>>('/failed-tasks?side=salesconnect')).total).toBe(0);

    const csv = await api<string>('/failed-tasks.csv?side=sfdc');
    expect(csv.status).toBe(200);
    expect(csv.response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.response.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(csv.body.split('\r\n')[0]).toMatch(/^subject,side,code,/);
    expect(csv.body).toContain(`URGENT Renew Ana,sfdc,FIELD_CUSTOM_VALIDATION_EXCEPTION,`);

    // Found by a part of its name, or by either id.
    for (const q of ['urgent renew', scTaskId, sfdcTaskId]) {
      const found = await get<Page<TaskItem>>(`/tasks?q=${encodeURIComponent(q)}`);
      expect(found.items.map((t) => t.linkId)).toEqual([linkId]);
    }

    const before = await timelineOf(linkId);
    const kinds = before.map((e) => `${e.kind}:${e.side ?? ''}:${e.outcome ?? ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'read:salesconnect:',
        'decision:salesconnect:sync',
        'write:sfdc:ok',
        'write:sfdc:failed',
        'dead-letter:sfdc:will-retry',
      ]),
    );
    const refused = before.find((e) => e.kind === 'write' && e.outcome === 'failed');
    expect(refused).toMatchObject({
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      reason: expect.stringContaining('Subjects may not shout URGENT'),
    });
    // How each change was read: Sales Connect's by webhook (or its change feed).
    expect(['webhook', 'feed']).toContain(before.find((e) => e.kind === 'read' && e.side === 'salesconnect')?.origin);

    // The rep (or their admin) removes the rule, then Retry now.
    await admin.deleteValidationRule(orgId, 'NoUrgentSubjects');
    const retried = await api<{ accepted: number }>('/failed-tasks/retry', {
      method: 'POST',
      body: { items: [{ linkId, side: 'sfdc' }] },
    });
    expect(retried).toMatchObject({ status: 202, body: { accepted: 1 } });
    await waitFor(
      'the update in Salesforce',
      async () => (await sfdcTaskOf(scTaskId))?.['Subject'] === 'URGENT Renew Ana' || undefined,
      15_000,
    );
    await waitFor('the problem gone', async () => (await get<{ total: number }>('/problems')).total === 0 || undefined);
    const after = (await timelineOf(linkId)).slice(before.length).map((e) => `${e.kind}:${e.outcome ?? ''}`);
    expect(after).toEqual(expect.arrayContaining(['retry:asked', 'retry:queued', 'write:ok']));
    expect(after.indexOf('write:ok')).toBeGreaterThan(after.indexOf('retry:asked'));
  });

  it('Ignore takes a whole group off the problems list and stops its retries; a later change of the task syncs as usual', async () => {
    const { scTaskId, linkId } = await syncedTask('Plan Q1');
    await admin.addValidationRule(orgId, {
      name: 'NoSecretPlans',
      field: 'Subject',
      condition: 'equals',
      value: 'Plan Q1 secretly',
      message: 'No secret plans',
    });
    try {
      await rep.sc.patch(scTaskId, { name: 'Plan Q1 secretly' });
      await waitFor('the problem', async () => (await get<{ total: number }>('/problems')).total === 1 || undefined);
      const ignored = await api<{ accepted: number }>('/failed-tasks/ignore', {
        method: 'POST',
        body: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', side: 'sfdc' },
      });
      expect(ignored).toMatchObject({ status: 202, body: { accepted: 1 } });
      await waitFor(
        'off the problems list',
        async () => (await get<{ total: number }>('/problems')).total === 0 || undefined,
      );
      expect((await get<Page<FailedTaskItem>>('/failed-tasks')).total).toBe(0);
      expect((await timelineOf(linkId)).some((e) => e.kind === 'ignored' && e.side === 'sfdc')).toBe(true);
    } finally {
      await admin.deleteValidationRule(orgId, 'NoSecretPlans');
    }
    await rep.sc.patch(scTaskId, { name: 'Plan Q1 openly' });
    await waitFor(
      'the later change in Salesforce',
      async () => (await sfdcTaskOf(scTaskId))?.['Subject'] === 'Plan Q1 openly' || undefined,
      15_000,
    );
  });

  it('only the owner and admins of the same tenant see a connection; bad input is a 400', async () => {
    const other = await signUserToken({ sub: uniqueId('other-rep'), tenant: TENANT, secret: SECRET });
    const tenantAdmin = await signUserToken({
      sub: uniqueId('admin'),
      tenant: TENANT,
      secret: SECRET,
      roles: ['task-sync:admin'],
    });
    const otherTenantAdmin = await signUserToken({
      sub: uniqueId('admin'),
      tenant: 'another-tenant',
      secret: SECRET,
      roles: ['task-sync:admin'],
    });
    for (const path of [
      '/problems',
      '/failed-tasks',
      '/failed-tasks.csv',
      '/conflicts',
      '/api-usage',
      '/tasks?q=Renew',
    ]) {
      expect((await api(path, { jwt: other })).status).toBe(404);
      expect((await api(path, { jwt: otherTenantAdmin })).status).toBe(404);
      expect((await api(path, { jwt: tenantAdmin })).status).toBe(200);
    }
    expect(
      (await api('/failed-tasks/retry', { method: 'POST', body: { code: 'X', side: 'sfdc' }, jwt: other })).status,
    ).toBe(404);
    expect((await api('/failed-tasks?limit=500')).status).toBe(400);
    expect(
      (await api('/failed-tasks/ignore', { method: 'POST', body: { items: [{ linkId: 'not-a-uuid', side: 'sfdc' }] } }))
        .status,
    ).toBe(400);
    const usage = await get<{ orgId: string; buckets: { start: string; calls: number }[] }>('/api-usage', tenantAdmin);
    expect(usage.orgId).toBe(orgId);
    expect(usage.buckets.length).toBeGreaterThan(200); // 24 h of 5-minute buckets
    expect(usage.buckets.reduce((n, b) => n + b.calls, 0)).toBeGreaterThan(0);
    const doc = (await (await fetch(`${settings.url}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/problems',
      '/failed-tasks',
      '/failed-tasks.csv',
      '/failed-tasks/retry',
      '/failed-tasks/ignore',
      '/conflicts',
      '/api-usage',
      '/tasks',
      '/tasks/{linkId}/timeline',
      '/tasks/{linkId}/resync',
    ]) {
      expect(doc.paths).toHaveProperty([`/v1/connections/{id}${path}`]);
    }
  });

  it('a pair that drifted (a Salesforce edit never read) is repaired by Resync; edits on both sides are a conflict the later one wins', async () => {
    const drifted = await syncedTask('Call Bruno');
    const conflicted = await syncedTask('Call Carla');
    await stack.sfdcIngest.stop(); // Salesforce's changes are no longer read: the next edit there drifts

    await rep.sfdc.updateTask(drifted.sfdcTaskId, { Subject: 'Call Bruno on Monday' });
    // A change parked for a moment (the settings view catching up) makes a resync wait its turn: it says so, and is asked again.
    const resync = await waitFor('a resync that is not skipped', async () => {
      const answer = await api<{ outcome: string; differences: string[] }>(`/tasks/${drifted.linkId}/resync`, {
        method: 'POST',
      });
      return answer.body.outcome === 'skipped:changes-parked' ? undefined : answer;
    });
    expect(resync).toMatchObject({ status: 200, body: { outcome: 'repaired', differences: ['title'] } });
    await waitFor(
      'the Salesforce edit in Sales Connect',
      async () => {
        const task = (await rep.sc.listTasks()).find((t) => t.id === drifted.scTaskId);
        if (task?.name === 'Call Bruno on Monday') return task;
        // This wait has timed out in CI twice and never in runs alone: a timeout names what the sync did with the pair.
        const done = (await timelineOf(drifted.linkId)).map(
          (e) => `${e.kind} ${e.side ?? '-'} ${e.outcome ?? '-'} (${e.summary})`,
        );
        throw new Error(`Sales Connect has "${task?.name}"; the timeline: ${done.join(', ')}`);
      },
      15_000,
    );
    const events = await timelineOf(drifted.linkId);
    expect(events.find((e) => e.kind === 'resync')).toMatchObject({
      outcome: 'repaired',
      detail: { differences: ['title'] },
    });
    expect(events.some((e) => e.kind === 'read' && e.side === 'sfdc' && e.origin === 'resync')).toBe(true);
    expect((await api(`/tasks/00000000-0000-4000-8000-000000000000/resync`, { method: 'POST' })).status).toBe(404);

    // Salesforce first, Sales Connect a moment later: its write waits for the unread Salesforce edit, reads it, and the later change wins.
    // Salesforce stamps whole seconds: an edit in the second of the sync's own create there passes for
    // that write (the documented limit), so the person's edit comes in a later second than the create.
    await sleep(1100);
    await rep.sfdc.updateTask(conflicted.sfdcTaskId, { Subject: 'Call Carla (Salesforce)' });
    await sleep(1100);
    await rep.sc.patch(conflicted.scTaskId, { name: 'Call Carla (Sales Connect)' });
    const conflicts = await waitFor(
      'the conflict',
      async () => {
        const page = await get<Page<Record<string, unknown>>>('/conflicts');
        const found = page.items.filter((c) => c['linkId'] === conflicted.linkId);
        return found.length > 0 ? found : undefined;
      },
      // The held write's read and decision take about 3 s here; a CI machine running other suites beside it stretched them past 20 s once.
      45_000,
    );
    expect(conflicts[0]).toMatchObject({
      subject: expect.any(String),
      field: 'title',
      sfdcValue: 'Call Carla (Salesforce)',
      salesConnectValue: 'Call Carla (Sales Connect)',
      winner: 'salesconnect',
      salesConnectTaskId: conflicted.scTaskId,
      sfdcTaskId: conflicted.sfdcTaskId,
      salesforceUrl: expect.stringContaining(conflicted.sfdcTaskId),
      salesConnectUrl: expect.stringContaining(conflicted.scTaskId),
    });
    expect(
      (await timelineOf(conflicted.linkId)).some((e) => e.kind === 'conflict' && e.outcome === 'salesconnect'),
    ).toBe(true);
  });
});
