import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUser, startSandbox, useSandbox } from './testing/sandbox-harness';

interface FeedChange {
  cursor: string;
  type: string;
  taskId: string;
  userId: string;
  origin: string;
  occurredAt: string;
  changedFields?: string[];
  task: { id: string; version: number; name: string; deletedAt?: string; status: string };
}

describe('change feed over HTTP', () => {
  const running = useSandbox();

  it('holds every create, update, complete, reopen and delete in order, the delete as a tombstone, each with its origin', async () => {
    const ui = running.api;
    const sync = running.api.as('task-sync');
    const { body: task } = await ui.post('/v1/tasks', { name: 'Follow up' });
    await sync.patch(`/v1/tasks/${task.id}`, { name: 'Follow up (synced)', priority: 'High' });
    await ui.post(`/v1/tasks/${task.id}/complete`);
    await sync.post(`/v1/tasks/${task.id}/reopen`);
    await ui.delete(`/v1/tasks/${task.id}`);

    const { status, body } = await ui.get('/v1/changes');
    expect(status).toBe(200);
    const changes = body.changes as FeedChange[];
    expect(changes.map((c) => [c.type, c.origin, c.task.version])).toEqual([
      ['created', 'salesconnect-ui', 1],
      ['updated', 'task-sync', 2],
      ['completed', 'salesconnect-ui', 3],
      ['reopened', 'task-sync', 4],
      ['deleted', 'salesconnect-ui', 5],
    ]);
    expect(changes[1].changedFields?.sort()).toEqual(['name', 'priority']);
    expect(changes[1].task.name).toBe('Follow up (synced)');
    expect(changes[4].task).toMatchObject({ id: task.id, deletedAt: expect.any(String) });
    expect(changes.every((c) => c.taskId === task.id && c.userId === running.sandbox.defaultUser.id)).toBe(true);
    // occurredAt never goes backwards and cursors are all different.
    expect([...changes.map((c) => c.occurredAt)].sort()).toEqual(changes.map((c) => c.occurredAt));
    expect(new Set(changes.map((c) => c.cursor)).size).toBe(5);
    expect(body.nextCursor).toBe(changes[4].cursor);
  });

  it('pages with cursors and limit, and an idle reader gets nothing new and keeps its cursor usable', async () => {
    for (const name of ['1', '2', '3', '4', '5']) await running.api.post('/v1/tasks', { name });
    const first = await running.api.get('/v1/changes?limit=2');
    expect(first.body.changes.map((c: FeedChange) => c.task.name)).toEqual(['1', '2']);
    const second = await running.api.get(`/v1/changes?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.changes.map((c: FeedChange) => c.task.name)).toEqual(['3', '4']);
    const third = await running.api.get(`/v1/changes?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.changes.map((c: FeedChange) => c.task.name)).toEqual(['5']);
    const idle = await running.api.get(`/v1/changes?cursor=${third.body.nextCursor}`);
    expect(idle.body.changes).toEqual([]);
    await running.api.post('/v1/tasks', { name: '6' });
    const later = await running.api.get(`/v1/changes?cursor=${idle.body.nextCursor}`);
    expect(later.body.changes.map((c: FeedChange) => c.task.name)).toEqual(['6']);
    expect((await running.api.get('/v1/changes?cursor=bogus')).body.error).toBe('INVALID_CURSOR');
  });

  it('shows each user only their own changes', async () => {
    const other = await createUser(running, 'Asia/Kolkata');
    await running.api.post('/v1/tasks', { name: 'mine' });
    await other.api.post('/v1/tasks', { name: 'theirs' });
    expect((await running.api.get('/v1/changes')).body.changes.map((c: FeedChange) => c.task.name)).toEqual(['mine']);
    expect((await other.api.get('/v1/changes')).body.changes.map((c: FeedChange) => c.task.name)).toEqual(['theirs']);
  });

  it('keeps 7 days by the sandbox clock; a cursor older than that is 410 CURSOR_EXPIRED', async () => {
    await running.admin.post('/__admin/clock', { now: '2026-11-01T12:00:00Z', frozen: true });
    const beforeOld = (await running.api.get('/v1/changes')).body.nextCursor as string;
    await running.api.post('/v1/tasks', { name: 'old' });
    const afterOld = (await running.api.get(`/v1/changes?cursor=${beforeOld}`)).body.nextCursor as string;
    await running.admin.post('/__admin/clock', { now: '2026-11-08T11:59:00Z', frozen: true });
    await running.api.post('/v1/tasks', { name: 'recent' });
    // Just under 7 days: the old change is still there, and a cursor from before it still works.
    const kept = await running.api.get(`/v1/changes?cursor=${beforeOld}`);
    expect(kept.body.changes.map((c: FeedChange) => c.task.name)).toEqual(['old', 'recent']);

    await running.admin.post('/__admin/clock', { now: '2026-11-08T12:00:01Z', frozen: true });
    expect((await running.api.get('/v1/changes')).body.changes.map((c: FeedChange) => c.task.name)).toEqual(['recent']);
    // A reader that had consumed the old change lost nothing: its cursor still works.
    expect(
      (await running.api.get(`/v1/changes?cursor=${afterOld}`)).body.changes.map((c: FeedChange) => c.task.name),
    ).toEqual(['recent']);
    // One from before it would skip a change it never saw: refused, so it resyncs instead.
    const expired = await running.api.get(`/v1/changes?cursor=${beforeOld}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toBe('CURSOR_EXPIRED');
  });

  it('continues across a restart from a snapshot: same tasks, same cursor, sequence keeps growing', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sc-sandbox-')), 'state.json');
    const first = await startSandbox({ snapshotFile: file });
    const { body: task } = await first.api.post('/v1/tasks', { name: 'Survives' }, { 'idempotency-key': 'restart-1' });
    await first.api.as('task-sync').patch(`/v1/tasks/${task.id}`, { details: 'before restart' });
    const cursor = (await first.api.get('/v1/changes')).body.nextCursor as string;
    await first.close(); // writes the snapshot
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('salesconnect-sandbox/1');

    const second = await startSandbox({ snapshotFile: file });
    try {
      expect(second.sandbox.defaultUser.apiToken).toBe(first.sandbox.defaultUser.apiToken);
      expect((await second.api.get(`/v1/tasks/${task.id}`)).body).toMatchObject({
        details: 'before restart',
        version: 2,
        lastModifiedBy: 'task-sync',
      });
      expect((await second.api.get(`/v1/changes?cursor=${cursor}`)).body.changes).toEqual([]);
      await second.api.post(`/v1/tasks/${task.id}/complete`);
      await second.api.delete(`/v1/tasks/${task.id}`);
      const after = await second.api.get(`/v1/changes?cursor=${cursor}`);
      expect(after.body.changes.map((c: FeedChange) => c.type)).toEqual(['completed', 'deleted']);
      // The whole feed from the start is still in order across the restart.
      const all = (await second.api.get('/v1/changes')).body.changes as FeedChange[];
      expect(all.map((c) => c.type)).toEqual(['created', 'updated', 'completed', 'deleted']);
      // The idempotency key survived too: the retry replays the original task.
      const retry = await second.api.post('/v1/tasks', { name: 'Survives' }, { 'idempotency-key': 'restart-1' });
      expect(retry.body.id).toBe(task.id);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
    } finally {
      await second.close();
    }
  });
});
