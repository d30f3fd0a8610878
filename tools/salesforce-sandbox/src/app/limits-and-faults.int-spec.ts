import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

describe('daily API limit, Sforce-Limit-Info, faults and inspection', () => {
  let h: Harness;
  let conn: Connection;
  beforeAll(async () => {
    h = await startHarness({ dailyApiLimit: 1000 });
    conn = await h.login();
  });
  afterEach(() => h.sandbox.faults.reset());
  afterAll(() => h.close());

  it('every answer carries Sforce-Limit-Info and jsforce exposes it as conn.limitInfo', async () => {
    await conn.query('SELECT Id FROM User');
    const first = conn.limitInfo.apiUsage?.used as number;
    expect(conn.limitInfo.apiUsage?.limit).toBe(1000);
    await conn.sobject('Task').create({ Subject: 'count me' });
    expect(conn.limitInfo.apiUsage?.used).toBe(first + 1);
  });

  it('limits reports DailyApiRequests from the same counter', async () => {
    const limits = await conn.limits();
    expect(limits.DailyApiRequests.Max).toBe(1000);
    expect(limits.DailyApiRequests.Remaining).toBe(1000 - (conn.limitInfo.apiUsage?.used as number));
  });

  it('past the limit: 403 REQUEST_LIMIT_EXCEEDED until the next day', async () => {
    const orgId = h.sandbox.defaults.orgId;
    await h.admin('PUT', `/salesforce/orgs/${orgId}/api-usage`, { used: 1000 });
    const error = await errorOf(conn.query('SELECT Id FROM User'));
    expect(error.name).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 1000, limit: 1000 });
    h.sandbox.clock.advance(24 * 3_600_000);
    await conn.query('SELECT Id FROM User');
    expect(conn.limitInfo.apiUsage?.used).toBe(1);
  });

  it('the http503 fault answers 503 (a POST is not retried by jsforce)', async () => {
    h.sandbox.faults.configure({ shares: { http503: 1 } });
    const error = await errorOf(conn.sobject('Task').create({ Subject: 'x' }));
    expect(error.name).toBe('SERVER_UNAVAILABLE');
  });

  it('a GET that meets a 503 is retried by jsforce and succeeds', async () => {
    h.sandbox.faults.configure({ shares: { http503: 0.5 }, seed: 3 });
    h.sandbox.calls.reset();
    // The default org's users: the rep and the admin.
    for (let i = 0; i < 3; i++) expect((await conn.query('SELECT Id FROM User')).totalSize).toBe(2);
    expect(h.sandbox.calls.total({ endpoint: 'GET query' })).toBeGreaterThan(3);
  }, 20_000);

  it('added latency slows every call', async () => {
    h.sandbox.faults.configure({ latencyMs: 150 });
    const started = Date.now();
    await conn.query('SELECT Id FROM User');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('the single-record endpoint answers UNABLE_TO_LOCK_ROW under the fault', async () => {
    h.sandbox.faults.configure({ shares: { unableToLockRow: 1 } });
    expect((await errorOf(conn.sobject('Task').create({ Subject: 'x' }))).name).toBe('UNABLE_TO_LOCK_ROW');
  });

  it('seeds an array of tasks in one call; ?since= keeps the task list and the change log to what changed from then on', async () => {
    const orgId = h.sandbox.defaults.orgId;
    h.sandbox.clock.set(new Date('2026-11-20T10:00:00Z'), { frozen: true });
    // Large enough to need more than a default body limit (about 1 MB).
    const filler = Array.from({ length: 3_000 }, (_, i) => ({ Subject: `filler ${i}`, Description: 'x'.repeat(300) }));
    const seeded = (
      await h.admin<{ Id: string; Subject: string }[]>('POST', `/salesforce/orgs/${orgId}/tasks`, [
        { Subject: 'seed 1' },
        { Subject: 'seed 2', Status: 'Completed' },
        ...filler,
      ])
    ).body;
    expect(seeded).toHaveLength(3_002);
    expect(seeded.slice(0, 2).map((t) => t.Subject)).toEqual(['seed 1', 'seed 2']);
    expect(
      (
        await conn.query<{ Subject: string; IsClosed: boolean }>(
          "SELECT Subject, IsClosed FROM Task WHERE Subject LIKE 'seed %' ORDER BY Subject",
        )
      ).records.map((r) => [r.Subject, r.IsClosed]),
    ).toEqual([
      ['seed 1', false],
      ['seed 2', true],
    ]);
    h.sandbox.clock.set(new Date('2026-11-20T10:00:05Z'), { frozen: true });
    await conn.sobject('Task').update({ Id: seeded[1].Id, Subject: 'seed 2 edited' });
    const since = encodeURIComponent('2026-11-20T10:00:05Z');
    // (Earlier tests' tasks carry the real time, days after the seeds.)
    const listed = (await h.admin<{ Id: string }[]>('GET', `/salesforce/orgs/${orgId}/tasks?since=${since}`)).body.map(
      (t) => t.Id,
    );
    expect(listed).toContain(seeded[1].Id);
    expect(listed).not.toContain(seeded[0].Id);
    const changes = (
      await h.admin<{ taskId: string; changeType: string }[]>('GET', `/salesforce/orgs/${orgId}/changes?since=${since}`)
    ).body;
    expect(changes.filter((c) => seeded.some((t) => t.Id === c.taskId)).map((c) => [c.taskId, c.changeType])).toEqual([
      [seeded[1].Id, 'UPDATE'],
    ]);
    expect((await h.admin('GET', `/salesforce/orgs/${orgId}/changes?since=soon`)).status).toBe(400);
    h.sandbox.clock.reset();
  });

  it('calls are counted by endpoint and org; the admin task list includes deleted tasks; reset empties everything', async () => {
    const { id } = await conn.sobject('Task').create({ Subject: 'to inspect' });
    await conn.sobject('Task').destroy(id as string);
    const calls = (await h.admin<{ calls: { tenant: string; endpoint: string; count: number }[] }>('GET', '/calls'))
      .body.calls;
    expect(calls).toContainEqual({ tenant: h.sandbox.defaults.orgId, endpoint: 'DELETE sobjects/Task/{id}', count: 1 });
    const tasks = (
      await h.admin<{ Id: string; IsDeleted: boolean; deletedAt: string | null }[]>(
        'GET',
        `/salesforce/orgs/${h.sandbox.defaults.orgId}/tasks`,
      )
    ).body;
    expect(tasks.find((t) => t.Id === id)).toMatchObject({ IsDeleted: true, deletedAt: expect.any(String) });
    expect((await h.admin('POST', '/reset')).status).toBe(204);
    expect((await h.admin<unknown[]>('GET', `/salesforce/orgs/${h.sandbox.defaults.orgId}/tasks`)).body).toEqual([]);
    // Sessions do not survive a reset.
    expect(
      (
        await errorOf(
          new (conn.constructor as typeof Connection)({ instanceUrl: h.url, accessToken: 'x', version: '59.0' }).query(
            'SELECT Id FROM User',
          ),
        )
      ).name,
    ).toBe('INVALID_SESSION_ID');
  });

  it('an admin-created org, user, Contact and Lead work through jsforce login', async () => {
    const org = (await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name: 'Second', dailyApiLimit: 50 })).body;
    await h.admin('POST', `/salesforce/orgs/${org.id}/users`, {
      username: 'two@sandbox.test',
      password: 'pw',
      timeZoneSidKey: 'Europe/Paris',
    });
    await h.admin('POST', `/salesforce/orgs/${org.id}/leads`, { lastName: 'Lead', email: 'lead@example.com' });
    const second = await h.login('two@sandbox.test', 'pw');
    expect(second.userInfo?.organizationId).toBe(org.id);
    const leads = await second.query<{ Email: string }>('SELECT Email FROM Lead');
    expect(leads.records.map((r) => r.Email)).toEqual(['lead@example.com']);
    expect(second.limitInfo.apiUsage).toEqual({ used: 1, limit: 50 });
    // Orgs are isolated: the default org's rep sees none of it.
    const rep = await h.login();
    expect((await rep.query('SELECT Id FROM Lead')).totalSize).toBe(0);
  });
});
