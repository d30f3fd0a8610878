import type { ImportPreviewView } from '@task-sync/contracts/http';
import {
  connectSalesforceAsUser,
  createSalesConnectUser,
  SalesforceUser,
  signUserToken,
  waitFor,
  withPg,
} from '@task-sync/testing-stack';
import { startSyncStack, stopSyncStack, type SyncStack } from './support/sync-stack';
import { uniqueId, useKafkaClients } from './support/stack';

const SECRET = 'import-preview-spec-secret-import-preview-0';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface DeleteWindow {
  disabledAt: string;
  closesAt: string;
  warning: boolean;
  closed: boolean;
}
interface Rep {
  connectionId: string;
  userId: string;
  sfdcUsername: string;
  state: string;
  readMode: { mode: string };
  taskSyncEnabled: boolean;
  openProblems: number;
  lastSyncAt: string | null;
  deleteWindow: DeleteWindow | null;
}
interface Page<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}
interface AdminOrg {
  orgId: string;
  reader: unknown;
  apiUsage: { used: number; allocated: number | null; buckets: { start: string; calls: number }[] };
  reps: Page<Rep>;
}

/** Issue 23 C–E; the preview is checked against what the enable then imports, at the 24-hour window's edges. */
describe('import preview, delete-window watchdog and admin view', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;
  const tenant = uniqueId('tenant');
  let adminJwt: string;

  const get = (path: string, jwt: string) =>
    fetch(`${stack.settings.url}${path}`, { headers: { authorization: `Bearer ${jwt}` } });
  const getJson = async <T>(path: string, jwt: string): Promise<T> => {
    const res = await get(path, jwt);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const saveSync = async (connectionId: string, jwt: string, enabled: boolean) => {
    const res = await fetch(`${stack.settings.url}/v1/connections/${connectionId}/task-sync`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled }),
    });
    expect(res.status).toBe(200);
  };

  async function connectRepIn(orgId: string, tenantId = tenant) {
    const scUser = await createSalesConnectUser(stack.scSandbox.url, tenantId);
    const username = `${uniqueId('rep')}@sandbox.test`;
    const user = await stack.admin.createUser(orgId, username);
    const jwt = await signUserToken({
      sub: scUser.id,
      tenant: tenantId,
      secret: SECRET,
      zoneinfo: 'America/Sao_Paulo',
    });
    const sfdc = await SalesforceUser.login(stack.sfSandbox.url, username);
    const connectionId = await connectSalesforceAsUser({
      connectorSettings: stack.settings,
      sandboxUrl: stack.sfSandbox.url,
      userToken: jwt,
      username,
    });
    return { scUser, sc: scUser, sfdc, jwt, connectionId, sfdcUserId: user, username };
  }

  /** Creates a task as the rep at a sandbox instant (the clock is frozen there for the write). */
  async function createTaskAt(sfdc: SalesforceUser, at: number, fields: Record<string, unknown>): Promise<string> {
    await stack.admin.setClock(new Date(at));
    try {
      return await sfdc.createTask(fields);
    } finally {
      await stack.admin.resetClock();
    }
  }

  const callsOf = async (orgId: string) =>
    (await stack.admin.calls()).filter((c) => c.tenant === orgId && !c.endpoint.includes('/services/oauth2/'));

  beforeAll(async () => {
    stack = await startSyncStack({ databaseSuffix: 'import_preview', jwtSecret: SECRET, kafkaAdmin: kafka.admin });
    adminJwt = await signUserToken({ sub: uniqueId('admin'), tenant, secret: SECRET, roles: ['task-sync:admin'] });
  }, 240_000);

  afterAll(async () => {
    await stopSyncStack(stack ?? {});
  });

  // Shared by the tests below, in order: the preview's rep, in an org of its own so its call counts are its own.
  let rep: Awaited<ReturnType<typeof connectRepIn>>;
  let previewOrgId: string;

  it('R2: the preview counts and lists what the enable then imports, at the window edges, in 2 Salesforce calls, importing nothing', async () => {
    previewOrgId = await stack.admin.createOrg(uniqueId('preview-org'));
    rep = await connectRepIn(previewOrgId);
    const now = Date.now();
    const windowStart = now - DAY;
    // 22 inside (the first 5 minutes after the window's start, one a minute, and later), 3 outside, one
    // deleted inside, one recurring series' master inside: 22 to import, more than one page of 20.
    const inside: { id: string; subject: string; at: number }[] = [];
    for (let i = 0; i < 22; i++) {
      const at = i < 5 ? windowStart + (5 - i) * MINUTE : now - (i + 1) * 30 * MINUTE;
      const subject = `inside ${i}`;
      inside.push({
        id: await createTaskAt(rep.sfdc, at, {
          Subject: subject,
          ActivityDate: '2026-12-20',
          ...(i % 3 === 0 ? { Status: 'Completed' } : {}),
        }),
        subject,
        at,
      });
    }
    for (const [i, at] of [windowStart - 5 * MINUTE, windowStart - 60 * MINUTE, now - 3 * DAY].entries())
      await createTaskAt(rep.sfdc, at, { Subject: `outside ${i}` });
    const deleted = await createTaskAt(rep.sfdc, now - 2 * 60 * MINUTE, { Subject: 'deleted inside' });
    await rep.sfdc.deleteTask(deleted);
    await stack.admin.setClock(new Date(now - 3 * 60 * MINUTE));
    try {
      await stack.admin.seedTask(previewOrgId, {
        Subject: 'series master inside',
        IsRecurrence: true,
        OwnerId: rep.sfdcUserId,
      });
    } finally {
      await stack.admin.resetClock();
    }

    const before = await callsOf(previewOrgId);
    const preview = await getJson<ImportPreviewView>(`/v1/connections/${rep.connectionId}/import-preview`, rep.jwt);
    const after = await callsOf(previewOrgId);

    // Exactly two calls, both queryAll (one COUNT, one page), with the rep's session.
    const delta = after
      .map((c) => ({
        endpoint: c.endpoint,
        count: c.count - (before.find((b) => b.endpoint === c.endpoint)?.count ?? 0),
      }))
      .filter((c) => c.count > 0);
    expect(delta).toEqual([{ endpoint: 'GET queryAll', count: 2 }]);

    expect(preview.count).toBe(22);
    expect(preview.salesConnectTasksSent).toBe(false);
    expect(Date.parse(preview.windowEnd) - Date.parse(preview.windowStart)).toBe(DAY);
    const newestFirst = [...inside].sort((a, b) => b.at - a.at).slice(0, 20);
    expect(preview.tasks.map((t) => t.sfdcTaskId)).toEqual(newestFirst.map((t) => t.id));
    expect(preview.tasks[0]).toMatchObject({
      subject: newestFirst[0].subject,
      activityDate: '2026-12-20',
      salesforceUrl: expect.stringMatching(new RegExp(`/lightning/r/Task/${newestFirst[0].id}/view$`)),
    });
    // The calls count against the org's allocation like the sync's own (reported at once).
    const usage = await getJson<{ apiAllocation: { used: number } }>(
      `/v1/connections/${rep.connectionId}/status`,
      rep.jwt,
    );
    expect(usage.apiAllocation.used).toBeGreaterThanOrEqual(2);

    // Nothing imported, nothing enabled by the preview.
    const status = await getJson<{ import: unknown; deleteWindow: unknown }>(
      `/v1/connections/${rep.connectionId}/status`,
      rep.jwt,
    );
    expect(status.import).toBeNull();
    expect(status.deleteWindow).toBeNull();
    expect(await rep.sc.listTasks()).toEqual([]);
    expect(
      (await getJson<{ enabled: boolean }>(`/v1/connections/${rep.connectionId}/task-sync`, rep.jwt)).enabled,
    ).toBe(false);

    // The enable imports exactly the previewed selection.
    await saveSync(rep.connectionId, rep.jwt, true);
    const done = await waitFor('the import', async () => {
      const s = await getJson<{ import: { found: number; imported: number; done: boolean } | null }>(
        `/v1/connections/${rep.connectionId}/status`,
        rep.jwt,
      );
      return s.import?.done ? s.import : undefined;
    });
    expect(done.found).toBe(preview.count);
    const imported = await waitFor('22 tasks in Sales Connect', async () => {
      const tasks = await rep.sc.listTasks();
      return tasks.length >= 22 ? tasks : undefined;
    });
    expect(imported.map((t) => t.name).sort()).toEqual(inside.map((t) => t.subject).sort());
  });

  it('R5: after a disable the status and /metrics say when the delete window closes, warn from 3 days before, and go negative once closed', async () => {
    await saveSync(rep.connectionId, rep.jwt, false);
    const { deleteWindow } = await getJson<{ deleteWindow: DeleteWindow }>(
      `/v1/connections/${rep.connectionId}/status`,
      rep.jwt,
    );
    expect(Math.abs(Date.parse(deleteWindow.disabledAt) - Date.now())).toBeLessThan(30_000);
    expect(Date.parse(deleteWindow.closesAt) - Date.parse(deleteWindow.disabledAt)).toBe(15 * DAY);
    expect(deleteWindow).toMatchObject({ warning: false, closed: false });
    const closesIn = async () => {
      const text = await (await fetch(`${stack.settings.url}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('tasksync_settings_delete_window_closes_in_seconds{') &&
            l.includes(`connection_id="${rep.connectionId}"`),
        );
      const warnings = text.split('\n').find((l) => l.startsWith('tasksync_settings_delete_window_warnings'));
      return {
        seconds: line ? Number(line.split(' ').at(-1)) : undefined,
        warnings: warnings ? Number(warnings.split(' ').at(-1)) : undefined,
      };
    };
    const fresh = await closesIn();
    expect(fresh.seconds).toBeGreaterThan(15 * 86_400 - 60);
    expect(fresh.seconds).toBeLessThanOrEqual(15 * 86_400);
    expect(fresh.warnings).toBe(0);

    // The disable placed back in time (the settings' clock is the database's): 12 days and a minute ago, then 15 days and a minute.
    const moveDisableBack = (ms: number) =>
      withPg(stack.databaseUrl, (c) =>
        c.query(
          `UPDATE connector_settings.task_sync_change SET changed_at = changed_at - make_interval(secs => $2::double precision / 1000) WHERE connection_id = $1 AND kind = 'disable'`,
          [rep.connectionId, ms],
        ),
      );
    await moveDisableBack(12 * DAY + MINUTE);
    expect(
      (await getJson<{ deleteWindow: DeleteWindow }>(`/v1/connections/${rep.connectionId}/status`, rep.jwt))
        .deleteWindow,
    ).toMatchObject({ warning: true, closed: false });
    // A scrape reads the rows again once the last read is a second old.
    const warned = await waitFor('the warning on /metrics', async () => {
      const m = await closesIn();
      return m.seconds !== undefined && m.seconds < 3 * 86_400 ? m : undefined;
    });
    expect(warned.seconds).toBeLessThan(3 * 86_400);
    expect(warned.seconds).toBeGreaterThan(3 * 86_400 - 120);
    expect(warned.warnings).toBe(1);

    await moveDisableBack(3 * DAY);
    expect(
      (await getJson<{ deleteWindow: DeleteWindow }>(`/v1/connections/${rep.connectionId}/status`, rep.jwt))
        .deleteWindow,
    ).toMatchObject({ warning: true, closed: true });
    const closed = await waitFor('the closed window on /metrics', async () => {
      const m = await closesIn();
      return m.seconds !== undefined && m.seconds < 0 ? m : undefined;
    });
    expect(closed.seconds).toBeLessThan(0);
    expect(closed.warnings).toBe(1);

    // Enabled again: no window, no series.
    await saveSync(rep.connectionId, rep.jwt, true);
    expect(
      (await getJson<{ deleteWindow: unknown }>(`/v1/connections/${rep.connectionId}/status`, rep.jwt)).deleteWindow,
    ).toBeNull();
    await waitFor('no series once enabled', async () => (await closesIn()).seconds === undefined);
  });

  it("the admin sees every rep of the tenant's orgs with its state, problems and API usage; others get 403, or 404 for another tenant's", async () => {
    const second = await connectRepIn(stack.orgId);
    const third = await connectRepIn(stack.orgId);
    const stranger = await connectRepIn(stack.orgId, uniqueId('other-tenant'));

    expect((await get('/v1/admin/orgs', rep.jwt)).status).toBe(403);
    expect((await get(`/v1/admin/orgs/${stack.orgId}/reps`, second.jwt)).status).toBe(403);

    const { items } = await getJson<{ items: AdminOrg[] }>('/v1/admin/orgs', adminJwt);
    expect(items.map((o) => o.orgId).sort()).toEqual([previewOrgId, stack.orgId].sort());
    const previewOrg = items.find((o) => o.orgId === previewOrgId) as AdminOrg;
    expect(previewOrg.reps).toMatchObject({ total: 1, nextOffset: null });
    expect(previewOrg.reps.items[0]).toMatchObject({
      connectionId: rep.connectionId,
      userId: rep.scUser.id,
      sfdcUsername: rep.username,
      taskSyncEnabled: true,
      openProblems: 0,
      deleteWindow: null,
      readMode: { mode: 'per-rep-polling' },
    });
    expect(previewOrg.reps.items[0].lastSyncAt).not.toBeNull();
    expect(previewOrg.apiUsage.used).toBeGreaterThanOrEqual(2);
    expect(previewOrg.apiUsage.buckets.reduce((sum, b) => sum + b.calls, 0)).toBe(previewOrg.apiUsage.used);
    expect(previewOrg.apiUsage.buckets.length).toBeGreaterThanOrEqual(24);

    const defaultOrg = items.find((o) => o.orgId === stack.orgId) as AdminOrg;
    expect(defaultOrg.reps.items.map((r) => r.connectionId).sort()).toEqual(
      [second.connectionId, third.connectionId].sort(),
    );
    expect(defaultOrg.reps.items.map((r) => r.state)).toEqual(['idle', 'idle']);

    // Paginated: one at a time, in username order; another tenant's rep never shows.
    const first = await getJson<Page<Rep>>(`/v1/admin/orgs/${stack.orgId}/reps?limit=1`, adminJwt);
    const next = await getJson<Page<Rep>>(
      `/v1/admin/orgs/${stack.orgId}/reps?limit=1&offset=${first.nextOffset}`,
      adminJwt,
    );
    expect([first.total, first.nextOffset, next.nextOffset]).toEqual([2, 1, null]);
    expect([...first.items, ...next.items].map((r) => r.sfdcUsername)).toEqual(
      [second.username, third.username].sort(),
    );
    expect([...first.items, ...next.items].map((r) => r.connectionId)).not.toContain(stranger.connectionId);
    expect((await get(`/v1/admin/orgs/${stack.orgId}/reps?limit=500`, adminJwt)).status).toBe(400);
    expect((await get(`/v1/admin/orgs/00D000000000999AAA/reps`, adminJwt)).status).toBe(404);

    // The admin may preview a rep's import; another tenant's connection is not found.
    expect((await get(`/v1/connections/${second.connectionId}/import-preview`, adminJwt)).status).toBe(200);
    expect((await get(`/v1/connections/${stranger.connectionId}/import-preview`, adminJwt)).status).toBe(404);
    expect((await get(`/v1/connections/${second.connectionId}/import-preview`, third.jwt)).status).toBe(404);
  });
});
