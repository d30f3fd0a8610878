import { SalesConnectApiError, SalesConnectClient, verifyWebhookSignature } from '@task-sync/salesconnect-client';
import { parseCalendarDate } from '@task-sync/task-domain';
import { ApiClient, createUser, startSandbox, useSandbox, waitUntil } from './testing/sandbox-harness';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const APP_TOKEN = 'sc_app_task_sync_dev';

interface FeedChange {
  sequence: number;
  type: string;
  userId: string;
  origin: string;
  task: { name: string };
}

async function errorOf(promise: Promise<unknown>): Promise<SalesConnectApiError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SalesConnectApiError) return e;
    throw e;
  }
  throw new Error('expected a SalesConnectApiError');
}

// The task sync is Sales Connect's own integration: one app token that acts for any user.
describe('integration app tokens over HTTP', () => {
  const running = useSandbox();
  const app = () => new ApiClient(running.url, APP_TOKEN);
  /** Our own client lib, against the real sandbox. */
  const client = (clientApp?: string) => new SalesConnectClient({ baseUrl: running.url, token: APP_TOKEN, clientApp });
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('acts as the user named by X-SalesConnect-User on every task route, recording the calling app as origin', async () => {
    const other = await createUser(running, 'Europe/Lisbon');
    const asOther = client('task-sync').forUser(other.id);
    const { task, replayed } = await asOther.createTask({ name: 'Call Ana', dueDate: parseCalendarDate('2026-11-25'), type: 'call' }, { idempotencyKey: 'sync-1' });
    expect(replayed).toBe(false);
    expect(task).toMatchObject({ ownerId: other.id, createdBy: 'task-sync', version: 1 });
    expect((await asOther.createTask({ name: 'Call Ana', dueDate: parseCalendarDate('2026-11-25'), type: 'call' }, { idempotencyKey: 'sync-1' })).replayed).toBe(true);

    expect(await asOther.getTask(task.id)).toEqual(task);
    const patched = await asOther.updateTask(task.id, { details: 'pricing' }, { ifMatch: 1 });
    expect(patched).toMatchObject({ details: 'pricing', version: 2, lastModifiedBy: 'task-sync' });
    expect((await asOther.completeTask(task.id, { ifMatch: 2 })).status).toBe('Complete');
    expect((await asOther.reopenTask(task.id)).status).toBe('Open');
    const conflict = await errorOf(asOther.completeTask(task.id, { ifMatch: 1 }));
    expect([conflict.code, conflict.status, conflict.details]).toEqual(['VERSION_CONFLICT', 409, { currentVersion: 4 }]);
    await asOther.deleteTask(task.id, { ifMatch: 4 });
    expect((await errorOf(asOther.getTask(task.id))).code).toBe('TASK_NOT_FOUND');

    // It really was the other user's task: their own token sees the feed, the default user does not.
    expect((await other.api.get('/v1/changes')).body.changes.map((c: FeedChange) => [c.type, c.origin])).toEqual([
      ['created', 'task-sync'],
      ['updated', 'task-sync'],
      ['completed', 'task-sync'],
      ['reopened', 'task-sync'],
      ['deleted', 'task-sync'],
    ]);
    expect((await running.api.get('/v1/changes')).body.changes).toEqual([]);
    // Without X-Client-App an app's write is recorded as the UI's, as for any caller.
    expect((await app().post('/v1/tasks', { name: 'plain' }, { 'x-salesconnect-user': other.id })).body.createdBy).toBe('salesconnect-ui');
    // Calls are counted for the user the app acted for.
    expect(running.sandbox.calls.total({ tenant: other.id, endpoint: 'POST /v1/tasks' })).toBe(3);
  });

  it('answers 404 USER_NOT_FOUND for an unknown user, and 400 naming X-SalesConnect-User when an app calls a user-only route as itself', async () => {
    const unknown = await app().get('/v1/tasks', { 'x-salesconnect-user': 'scu_nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('USER_NOT_FOUND');
    expect((await errorOf(client().forUser('scu_nobody').listChanges())).code).toBe('USER_NOT_FOUND');

    for (const [method, path] of [
      ['GET', '/v1/tasks'],
      ['POST', '/v1/tasks'],
      ['GET', '/v1/tasks/sct_123'],
      ['PATCH', '/v1/tasks/sct_123'],
      ['POST', '/v1/tasks/sct_123/complete'],
      ['DELETE', '/v1/tasks/sct_123'],
      ['GET', '/v1/command-center'],
    ]) {
      const res = await app().request(method, path, method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined);
      expect([method, path, res.status, res.body.error, res.body.fields]).toEqual([
        method,
        path,
        400,
        'VALIDATION_FAILED',
        [{ field: 'X-SalesConnect-User', message: expect.any(String) }],
      ]);
    }
  });

  it("refuses a user's token that tries to act for someone else, and an unknown app token", async () => {
    const other = await createUser(running, 'Asia/Tokyo');
    const res = await running.api.get('/v1/tasks', { 'x-salesconnect-user': other.id });
    expect(res.status).toBe(400);
    expect(res.body.fields[0].field).toBe('X-SalesConnect-User');
    // Naming oneself is harmless.
    expect((await running.api.get('/v1/tasks', { 'x-salesconnect-user': running.sandbox.defaultUser.id })).status).toBe(200);
    const bogus = await new ApiClient(running.url, 'sc_app_not_configured_x').get('/v1/changes');
    expect([bogus.status, bogus.body.error]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('reads the app-wide feed without X-SalesConnect-User: every user, one sequence, the same cursor semantics', async () => {
    const other = await createUser(running, 'Asia/Kolkata');
    await running.api.post('/v1/tasks', { name: 'mine-1' });
    await other.api.post('/v1/tasks', { name: 'theirs-1' });
    await running.api.post('/v1/tasks', { name: 'mine-2' });

    const first = await client().listChanges({ limit: 2 });
    expect(first.changes.map((c) => [c.task.name, c.userId])).toEqual([
      ['mine-1', running.sandbox.defaultUser.id],
      ['theirs-1', other.id],
    ]);
    const second = await client().listChanges({ cursor: first.nextCursor, limit: 2 });
    expect(second.changes.map((c) => c.task.name)).toEqual(['mine-2']);
    // One sequence across users, without gaps.
    const sequences = [...first.changes, ...second.changes].map((c) => c.sequence);
    expect(sequences).toEqual([sequences[0], sequences[0] + 1, sequences[0] + 2]);
    // Idle: an empty page with a usable cursor, which then sees the next change.
    const idle = await client().listChanges({ cursor: second.nextCursor });
    expect(idle.changes).toEqual([]);
    await other.api.post('/v1/tasks', { name: 'theirs-2' });
    expect((await client().listChanges({ cursor: idle.nextCursor })).changes.map((c) => c.task.name)).toEqual(['theirs-2']);
    // Acting as a user narrows the feed to theirs.
    expect((await client().forUser(other.id).listChanges()).changes.map((c) => c.task.name)).toEqual(['theirs-1', 'theirs-2']);
    expect((await errorOf(client().listChanges({ cursor: 'bogus' }))).code).toBe('INVALID_CURSOR');
  });

  it('expires an app-wide cursor like any other: 410 CURSOR_EXPIRED once a change after it is past retention', async () => {
    await running.admin.post('/__admin/clock', { now: '2026-11-01T12:00:00Z', frozen: true });
    const start = (await client().listChanges()).nextCursor;
    await running.api.post('/v1/tasks', { name: 'old' });
    await running.admin.post('/__admin/clock', { now: '2026-11-08T12:00:01Z', frozen: true });
    await running.api.post('/v1/tasks', { name: 'recent' });
    const expired = await errorOf(client().listChanges({ cursor: start }));
    expect([expired.code, expired.status]).toEqual(['CURSOR_EXPIRED', 410]);
    expect((await client().listChanges()).changes.map((c) => c.task.name)).toEqual(['recent']);
  });

  it("keeps the app's webhook subscriptions and deliveries its own, apart from the users'", async () => {
    receiver = await startWebhookReceiver();
    const sc = client();
    const appSub = await sc.createWebhookSubscription({ url: receiver.url });
    expect(appSub).toMatchObject({ url: receiver.url, userId: null });
    const userSub = await running.api.post('/v1/webhooks/subscriptions', { url: 'http://127.0.0.1:9/user-hooks', userId: running.sandbox.defaultUser.id });

    expect((await sc.listWebhookSubscriptions()).map((s) => s.id)).toEqual([appSub.id]);
    expect((await running.api.get('/v1/webhooks/subscriptions')).body.items.map((s: { id: string }) => s.id)).toEqual([userSub.body.id]);
    // Acting for a user, the app sees that user's subscriptions, not its own.
    const asUser = await app().get('/v1/webhooks/subscriptions', { 'x-salesconnect-user': running.sandbox.defaultUser.id });
    expect(asUser.body.items.map((s: { id: string }) => s.id)).toEqual([userSub.body.id]);
    // Neither can delete the other's.
    expect((await running.api.delete(`/v1/webhooks/subscriptions/${appSub.id}`)).status).toBe(404);
    expect((await errorOf(sc.deleteWebhookSubscription(userSub.body.id))).code).toBe('NOT_FOUND');

    // The app-level subscription gets every user's changes, signed; its log is the app's.
    const other = await createUser(running, 'Europe/Lisbon');
    await other.api.post('/v1/tasks', { name: 'theirs' });
    const got = receiver.received;
    await waitUntil(() => (got.length >= 1 ? true : undefined), 5000, 'a webhook');
    expect(verifyWebhookSignature('sandbox-webhook-secret', got[0].headers['x-salesconnect-timestamp'] as string, got[0].body, got[0].headers['x-salesconnect-signature'] as string, Math.floor(Date.now() / 1000))).toEqual({ valid: true });
    const deliveries = await waitUntil(async () => {
      const items = await sc.listWebhookDeliveries({ subscriptionId: appSub.id });
      return items[0]?.status === 'succeeded' ? items : undefined;
    }, 5000, 'a succeeded delivery');
    expect(deliveries.map((d) => [d.userId, d.changeType])).toEqual([[other.id, 'created']]);
    expect((await running.api.get('/v1/webhooks/deliveries')).body.items).toEqual([]);

    await sc.deleteWebhookSubscription(appSub.id);
    expect(await sc.listWebhookSubscriptions()).toEqual([]);
  });

  it('takes its app tokens from the options (SALESCONNECT_SANDBOX_APP_TOKENS)', async () => {
    const custom = await startSandbox({ appTokens: [{ name: 'crm-bridge', token: 'sc_app_crm_bridge_0001' }] });
    try {
      expect((await new ApiClient(custom.url, 'sc_app_crm_bridge_0001').get('/v1/changes')).status).toBe(200);
      expect((await new ApiClient(custom.url, APP_TOKEN).get('/v1/changes')).status).toBe(401);
      expect(custom.sandbox.calls.total({ tenant: 'app:crm-bridge' })).toBe(1);
    } finally {
      await custom.close();
    }
  });
});
