import { createUser, useSandbox } from './testing/sandbox-harness';

describe('tasks API over HTTP', () => {
  const running = useSandbox();

  it('creates, reads, updates, completes, reopens and deletes a task, the version growing on every change', async () => {
    const { api } = running;
    const created = await api.post('/v1/tasks', {
      name: 'Call Ana',
      dueDate: '2026-11-25',
      type: 'call',
      priority: 'High',
      contactEmail: 'ana@example.com',
      details: 'pricing',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Call Ana',
      dueDate: '2026-11-25',
      status: 'Open',
      priority: 'High',
      type: 'call',
      contactEmail: 'ana@example.com',
      details: 'pricing',
      ownerId: running.sandbox.defaultUser.id,
      version: 1,
      completedAt: null,
    });
    expect(created.body.id).toMatch(/^sct_[0-9a-f]+$/);
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.body.id as string;

    expect((await api.get(`/v1/tasks/${id}`)).body).toEqual(created.body);

    const patched = await api.patch(`/v1/tasks/${id}`, { name: 'Call Ana back', dueDate: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Call Ana back', dueDate: null, priority: 'High', version: 2 });

    const completed = await api.post(`/v1/tasks/${id}/complete`);
    expect(completed.body).toMatchObject({ status: 'Complete', version: 3 });
    expect(completed.body.completedAt).toEqual(expect.any(String));

    const reopened = await api.post(`/v1/tasks/${id}/reopen`);
    expect(reopened.body).toMatchObject({ status: 'Open', version: 4, completedAt: null });

    expect((await api.delete(`/v1/tasks/${id}`)).status).toBe(204);
    expect((await api.get(`/v1/tasks/${id}`)).status).toBe(404);
    expect((await api.patch(`/v1/tasks/${id}`, { name: 'ghost' })).body).toMatchObject({ error: 'TASK_NOT_FOUND' });
  });

  it('a change that changes nothing keeps the version (completing a completed task, patching equal values)', async () => {
    const { body: task } = await running.api.post('/v1/tasks', { name: 'Same', status: 'Complete' });
    expect(task.completedAt).toEqual(expect.any(String));
    expect((await running.api.post(`/v1/tasks/${task.id}/complete`)).body.version).toBe(1);
    expect((await running.api.patch(`/v1/tasks/${task.id}`, { name: 'Same' })).body.version).toBe(1);
  });

  it('a retried create under the same Idempotency-Key returns the same task, and the list holds one', async () => {
    const body = { name: 'Send proposal', dueDate: '2026-11-26' };
    const first = await running.api.post('/v1/tasks', body, { 'idempotency-key': 'create-42' });
    const retry = await running.api.post(
      '/v1/tasks',
      { dueDate: '2026-11-26', name: 'Send proposal' },
      { 'idempotency-key': 'create-42' },
    );
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.body).toEqual(first.body);
    const list = await running.api.get('/v1/tasks');
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([first.body.id]);
    const feed = await running.api.get('/v1/changes');
    expect(feed.body.changes).toHaveLength(1);
  });

  it('the same key with another body is refused with 422 IDEMPOTENCY_KEY_REUSED; another user may use the same key', async () => {
    await running.api.post('/v1/tasks', { name: 'A' }, { 'idempotency-key': 'k1' });
    const reused = await running.api.post('/v1/tasks', { name: 'B' }, { 'idempotency-key': 'k1' });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    const other = await createUser(running, 'Europe/Lisbon');
    const theirs = await other.api.post('/v1/tasks', { name: 'B' }, { 'idempotency-key': 'k1' });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
  });

  it('an idempotency key expires after 24 hours of sandbox time', async () => {
    const first = await running.api.post('/v1/tasks', { name: 'A' }, { 'idempotency-key': 'k-day' });
    await running.admin.post('/__admin/clock', { advanceMs: 24 * 3600_000 + 1000 });
    try {
      const later = await running.api.post('/v1/tasks', { name: 'A' }, { 'idempotency-key': 'k-day' });
      expect(later.status).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
    } finally {
      await running.admin.delete('/__admin/clock');
    }
  });

  it('If-Match with a stale version answers 409 VERSION_CONFLICT with the current version; the right one applies', async () => {
    const { body: task } = await running.api.post('/v1/tasks', { name: 'Versioned' });
    await running.api.patch(`/v1/tasks/${task.id}`, { details: 'v2' });
    const stale = await running.api.patch(`/v1/tasks/${task.id}`, { details: 'v3?' }, { 'if-match': '1' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'VERSION_CONFLICT', currentVersion: 2 });
    expect((await running.api.post(`/v1/tasks/${task.id}/complete`, undefined, { 'if-match': '"1"' })).status).toBe(
      409,
    );
    expect((await running.api.delete(`/v1/tasks/${task.id}`, { 'if-match': '1' })).status).toBe(409);
    const fresh = await running.api.patch(`/v1/tasks/${task.id}`, { details: 'v3' }, { 'if-match': '"2"' });
    expect(fresh.body).toMatchObject({ details: 'v3', version: 3 });
    expect(
      (await running.api.patch(`/v1/tasks/${task.id}`, { details: 'x' }, { 'if-match': 'soon' })).body.fields,
    ).toEqual([{ field: 'If-Match', message: 'must be a task version, e.g. 3' }]);
  });

  it('validation errors are 400 VALIDATION_FAILED and name each field', async () => {
    const bad = await running.api.post('/v1/tasks', { name: 'x'.repeat(501), dueDate: '2026-02-30', priority: 'Low' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dueDate', 'name', 'priority']);
    expect((await running.api.post('/v1/tasks', { details: 'no name' })).body.fields).toEqual([
      { field: 'name', message: 'is required' },
    ]);
    const malformed = await running.api.request('POST', '/v1/tasks', undefined, { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    const broken = await fetch(`${running.url}/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.api.token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { fields: { field: string }[] }).fields[0].field).toBe('body');
    // A 500-character name is accepted: Sales Connect holds more than Salesforce's 255-char Subject.
    expect((await running.api.post('/v1/tasks', { name: 'y'.repeat(500) })).status).toBe(201);
  });

  it('lists with status, due-date and updatedSince filters, and pages with an opaque cursor', async () => {
    const { api } = running;
    const make = async (name: string, dueDate: string | null) => (await api.post('/v1/tasks', { name, dueDate })).body;
    const a = await make('a', '2026-11-20');
    const b = await make('b', '2026-11-24');
    const c = await make('c', '2026-11-25');
    await make('d', null);
    await api.post(`/v1/tasks/${b.id}/complete`);

    const names = async (query: string) =>
      (await api.get(`/v1/tasks?${query}`)).body.items.map((t: { name: string }) => t.name);
    expect(await names('status=Open')).toEqual(['a', 'c', 'd']);
    expect(await names('status=Complete')).toEqual(['b']);
    expect(await names('dueFrom=2026-11-24&dueTo=2026-11-25')).toEqual(['b', 'c']);
    expect(await names('dueTo=2026-11-20')).toEqual(['a']);
    const bUpdated = (await api.get(`/v1/tasks/${b.id}`)).body.updatedAt as string;
    expect(await names(`updatedSince=${encodeURIComponent(bUpdated)}`)).toContain('b');
    expect(await names(`updatedSince=${encodeURIComponent(new Date(Date.parse(bUpdated) + 1).toISOString())}`)).toEqual(
      [],
    );

    const page1 = await api.get('/v1/tasks?limit=3');
    expect(page1.body.items.map((t: { id: string }) => t.id)).toEqual([a.id, b.id, c.id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api.get(`/v1/tasks?limit=3&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((t: { name: string }) => t.name)).toEqual(['d']);
    expect(page2.body.nextCursor).toBeNull();

    expect((await api.get('/v1/tasks?cursor=garbage')).body.fields).toEqual([
      { field: 'cursor', message: 'is not a cursor from this list' },
    ]);
    expect((await api.get('/v1/tasks?status=Done')).body.fields[0].field).toBe('status');
  });

  it('lists the tasks named by ids (at most 200), with tombstones when includeDeleted=true; another user’s ids are not listed', async () => {
    const { api } = running;
    const make = async (name: string) => (await api.post('/v1/tasks', { name })).body as { id: string };
    const [a, b, c] = [await make('a'), await make('b'), await make('c')];
    await api.delete(`/v1/tasks/${c.id}`);
    const theirs = (await (await createUser(running, 'Europe/Lisbon')).api.post('/v1/tasks', { name: 'theirs' }))
      .body as { id: string };
    const ids = [a.id, c.id, theirs.id, 'sct_unknown'].join(',');

    const live = await api.get(`/v1/tasks?ids=${ids}&limit=200`);
    expect(live.body.items.map((t: { name: string }) => t.name)).toEqual(['a']);
    const withDeleted = await api.get(`/v1/tasks?ids=${ids}&includeDeleted=true&limit=200`);
    expect(
      withDeleted.body.items.map((t: { name: string; deletedAt?: string }) => [t.name, typeof t.deletedAt]),
    ).toEqual([
      ['a', 'undefined'],
      ['c', 'string'],
    ]);
    expect((await api.get(`/v1/tasks?ids=${b.id}`)).body.items.map((t: { id: string }) => t.id)).toEqual([b.id]);
    const tooMany = Array.from({ length: 201 }, (_, i) => `sct_${i}`).join(',');
    expect((await api.get(`/v1/tasks?ids=${tooMany}`)).body.fields).toEqual([
      { field: 'ids', message: 'must name 1 to 200 task ids, comma-separated' },
    ]);
    expect((await api.get('/v1/tasks?includeDeleted=yes')).body.fields[0].field).toBe('includeDeleted');
  });

  it('a user sees and changes only their own tasks: another user’s task is 404', async () => {
    const { body: mine } = await running.api.post('/v1/tasks', { name: 'Mine' });
    const other = await createUser(running, 'Pacific/Auckland');
    expect((await other.api.get(`/v1/tasks/${mine.id}`)).status).toBe(404);
    expect((await other.api.patch(`/v1/tasks/${mine.id}`, { name: 'hijack' })).status).toBe(404);
    expect((await other.api.post(`/v1/tasks/${mine.id}/complete`)).status).toBe(404);
    expect((await other.api.delete(`/v1/tasks/${mine.id}`)).status).toBe(404);
    expect((await other.api.get('/v1/tasks')).body.items).toEqual([]);
    expect((await running.api.get(`/v1/tasks/${mine.id}`)).body).toMatchObject({ name: 'Mine', version: 1 });
  });

  it('refuses a missing or unknown token with 401', async () => {
    expect((await running.admin.get('/v1/tasks')).status).toBe(401);
    const wrong = await running.api.withToken('sc_tok_nope').get('/v1/tasks');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('UNAUTHORIZED');
  });
});
