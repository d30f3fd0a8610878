import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSnapshot } from '@task-sync/util-sandbox-kit';
import { ApiClient } from '@task-sync/salesconnect-sandbox/testing';
import { createUser, startSandbox, useSandbox } from './testing/sandbox-harness';

describe('sandbox controls over HTTP', () => {
  const running = useSandbox();

  it('answers health checks without a token', async () => {
    expect((await running.admin.get('/health/ready')).status).toBe(200);
    expect((await running.admin.get('/health/live')).body).toEqual({ status: 'ok' });
  });

  it('creates users with a time zone and a token through the admin API, naming bad fields', async () => {
    const created = await running.admin.post('/__admin/salesconnect/users', {
      email: 'kiri@example.com',
      name: 'Kiri',
      timeZone: 'Pacific/Auckland',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'kiri@example.com',
      name: 'Kiri',
      timeZone: 'Pacific/Auckland',
      id: expect.stringMatching(/^scu_/),
      apiToken: expect.any(String),
    });
    const kiri = new ApiClient(running.url, created.body.apiToken);
    expect((await kiri.post('/v1/tasks', { name: 'Kia ora' })).body.ownerId).toBe(created.body.id);

    const bad = await running.admin.post('/__admin/salesconnect/users', { email: 'nope', timeZone: 'Mars/Base' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'timeZone']);
    const users = (await running.admin.get('/__admin/salesconnect/users')).body.items as { id: string }[];
    expect(users.map((u) => u.id)).toEqual([running.sandbox.defaultUser.id, created.body.id]);
  });

  it('seeds a default user with a fixed id and token, again after a reset', async () => {
    const { defaultUser } = running.sandbox;
    expect(defaultUser).toMatchObject({
      id: 'scu_default',
      apiToken: 'sc_tok_default_sandbox_user',
      timeZone: 'America/Sao_Paulo',
    });
    await createUser(running, 'UTC');
    await running.admin.post('/__admin/reset');
    expect(
      (await running.admin.get('/__admin/salesconnect/users')).body.items.map((u: { id: string }) => u.id),
    ).toEqual(['scu_default']);
    expect((await running.api.get('/v1/tasks')).status).toBe(200);
  });

  it('stamps createdAt, updatedAt and occurredAt with the sandbox clock', async () => {
    await running.admin.post('/__admin/clock', { now: '2026-10-25T00:59:00Z', frozen: true });
    const { body: task } = await running.api.post('/v1/tasks', { name: 'Clocked' });
    expect(task.createdAt).toBe('2026-10-25T00:59:00.000Z');
    await running.admin.post('/__admin/clock', { advanceMs: 120_000 });
    const patched = await running.api.patch(`/v1/tasks/${task.id}`, { name: 'Later' });
    expect(patched.body.updatedAt).toBe('2026-10-25T01:01:00.000Z');
    const changes = (await running.api.get('/v1/changes')).body.changes as { occurredAt: string }[];
    expect(changes.map((c) => c.occurredAt)).toEqual(['2026-10-25T00:59:00.000Z', '2026-10-25T01:01:00.000Z']);
  });

  it('http5xx share 1 answers 503 on API calls (with Retry-After) and changes nothing; clearing the faults heals it', async () => {
    await running.admin.post('/__admin/faults', { shares: { http5xx: 1 } });
    const failed = await running.api.post('/v1/tasks', { name: 'Never stored' });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('SERVICE_UNAVAILABLE');
    expect(failed.headers.get('retry-after')).toBe('1');
    expect((await running.api.get('/v1/changes')).status).toBe(503);
    // The admin API stays up, so a test can always turn the fault off.
    expect((await running.admin.get('/__admin/salesconnect/tasks')).body.items).toEqual([]);
    await running.admin.delete('/__admin/faults');
    expect((await running.api.get('/v1/tasks')).status).toBe(200);
  });

  it('lostCreateResponse share 1 makes the task yet answers 503; the same Idempotency-Key answers it once the fault is off', async () => {
    await running.admin.post('/__admin/faults', { shares: { lostCreateResponse: 1 } });
    const headers = { 'Idempotency-Key': 'lost-answer-1' };
    const lost = await running.api.post('/v1/tasks', { name: 'Made, answer lost' }, headers);
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('1');
    const [made] = (await running.admin.get('/__admin/salesconnect/tasks')).body.items as {
      id: string;
      name: string;
    }[];
    expect(made).toMatchObject({ name: 'Made, answer lost' });
    // Only creates lose their answer: reads and deletes go through.
    expect((await running.api.get(`/v1/tasks/${made.id}`)).status).toBe(200);
    await running.admin.delete('/__admin/faults');
    const replayed = await running.api.post('/v1/tasks', { name: 'Made, answer lost' }, headers);
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.id).toBe(made.id);
    expect((await running.admin.get('/__admin/salesconnect/tasks')).body.items).toHaveLength(1);
  });

  it('adds the configured latency to API calls', async () => {
    await running.admin.post('/__admin/faults', { latencyMs: 150 });
    const started = Date.now();
    expect((await running.api.get('/v1/tasks')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('counts calls by endpoint and user, ids folded into the endpoint', async () => {
    const other = await createUser(running, 'Europe/Lisbon');
    const { body: task } = await running.api.post('/v1/tasks', { name: 'Counted' });
    await running.api.get(`/v1/tasks/${task.id}`);
    await running.api.get(`/v1/tasks/${task.id}`);
    await running.api.post(`/v1/tasks/${task.id}/complete`);
    await other.api.get('/v1/tasks');
    const { body } = await running.admin.get('/__admin/calls');
    expect(body.total).toBe(5);
    expect(body.calls).toEqual(
      expect.arrayContaining([
        { tenant: running.sandbox.defaultUser.id, endpoint: 'POST /v1/tasks', count: 1 },
        { tenant: running.sandbox.defaultUser.id, endpoint: 'GET /v1/tasks/:id', count: 2 },
        { tenant: running.sandbox.defaultUser.id, endpoint: 'POST /v1/tasks/:id/complete', count: 1 },
        { tenant: other.id, endpoint: 'GET /v1/tasks', count: 1 },
      ]),
    );
    await running.admin.delete('/__admin/calls');
    expect((await running.admin.get('/__admin/calls')).body.total).toBe(0);
  });

  it('lists every task of every user, deleted ones included, and the whole feed; reset empties them', async () => {
    const other = await createUser(running, 'Asia/Kolkata');
    const { body: kept } = await running.api.post('/v1/tasks', { name: 'kept' });
    const { body: gone } = await other.api.post('/v1/tasks', { name: 'gone' });
    await other.api.delete(`/v1/tasks/${gone.id}`);
    const all = (await running.admin.get('/__admin/salesconnect/tasks')).body.items as {
      id: string;
      deletedAt?: string;
    }[];
    expect(all).toEqual([
      expect.objectContaining({ id: kept.id }),
      expect.objectContaining({ id: gone.id, deletedAt: expect.any(String) }),
    ]);
    expect(all[0].deletedAt).toBeUndefined();
    expect((await running.admin.get(`/__admin/salesconnect/tasks?userId=${other.id}`)).body.items).toHaveLength(1);
    expect(
      (await running.admin.get('/__admin/salesconnect/changes')).body.changes.map((c: { type: string }) => c.type),
    ).toEqual(['created', 'created', 'deleted']);

    await running.admin.post('/__admin/reset');
    expect((await running.admin.get('/__admin/salesconnect/tasks')).body.items).toEqual([]);
    expect((await running.admin.get('/__admin/salesconnect/changes')).body.changes).toEqual([]);
  });

  it('lists only the changes that occurred at or after ?since=, and refuses a since that is not a date', async () => {
    // Near the real time: the feed keeps only its retention period before the clock.
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    await running.admin.post('/__admin/clock', { now: new Date(base).toISOString(), frozen: true });
    await running.api.post('/v1/tasks', { name: 'before' });
    await running.admin.post('/__admin/clock', { advanceMs: 1_000 });
    await running.api.post('/v1/tasks', { name: 'at' });
    await running.admin.post('/__admin/clock', { advanceMs: 1_000 });
    await running.api.post('/v1/tasks', { name: 'after' });
    await running.admin.delete('/__admin/clock');
    const since = (
      await running.admin.get(`/__admin/salesconnect/changes?since=${new Date(base + 1_000).toISOString()}`)
    ).body.changes as { task: { name: string } }[];
    expect(since.map((c) => c.task.name)).toEqual(['at', 'after']);
    expect((await running.admin.get('/__admin/salesconnect/changes?since=yesterday')).status).toBe(400);
  });

  it('writes a snapshot on demand when a file is configured, and says so when none is', async () => {
    expect((await running.admin.post('/__admin/snapshot')).status).toBe(400);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sc-snap-')), 'state.json');
    const withFile = await startSandbox({ snapshotFile: file });
    try {
      const { body: task } = await withFile.api.post('/v1/tasks', { name: 'Snap' });
      expect((await withFile.admin.post('/__admin/snapshot')).body).toEqual({ file });
      const saved = loadSnapshot<{ tasks: { tasks: { task: { id: string } }[] }; feed: { lastSequence: number } }>(
        file,
      );
      expect(saved?.tasks.tasks.map((s) => s.task.id)).toEqual([task.id]);
      expect(saved?.feed.lastSequence).toBe(1);
    } finally {
      await withFile.close();
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await running.api.get('/v2/tasks');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('NOT_FOUND');
  });
});
