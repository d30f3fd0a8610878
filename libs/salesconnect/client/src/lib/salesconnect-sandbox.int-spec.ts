import {
  ApiClient,
  ServiceProcess,
  startWebhookReceiver,
  waitFor,
  type WebhookReceiver,
} from '@task-sync/testing-stack';
import { parseCalendarDate } from '@task-sync/task-domain';
import { SalesConnectClient } from './salesconnect.client';
import { verifyWebhookSignature } from './webhook-signature';
import { apiErrorOf } from '../testing/api-error-of';

// Our own client against the real Sales Connect sandbox, run as the built process it is in
// `npm start` (int-test depends on its build): the routes, headers, errors and signatures the
// client relies on, as the sandbox serves them.

const APP_TOKEN = 'sc_app_task_sync_dev';
/** The sandbox's default webhook secret (SALESCONNECT_SANDBOX_WEBHOOK_SECRET). */
const SECRET = 'sandbox-webhook-secret';
/** The sandbox's default user (always there, after a reset too). */
const DEFAULT_USER_ID = 'scu_default';
const DEFAULT_USER_TOKEN = 'sc_tok_default_sandbox_user';

interface FeedChange {
  sequence: number;
  type: string;
  userId: string;
  origin: string;
  task: { name: string };
}

const header = (h: Record<string, string | string[] | undefined>, name: string) => h[name] as string | undefined;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** One sandbox process for the file; before each test its data, faults and clock are reset. */
function useSandboxProcess(env: Record<string, string>): { url: string; api: ApiClient; admin: ApiClient } {
  let sandbox: ServiceProcess | undefined;
  const running = {} as { url: string; api: ApiClient; admin: ApiClient };
  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesconnect-sandbox', env);
    Object.assign(running, {
      url: sandbox.url,
      api: new ApiClient(sandbox.url, DEFAULT_USER_TOKEN),
      admin: new ApiClient(sandbox.url),
    });
  });
  afterAll(() => sandbox?.stop());
  beforeEach(async () => {
    await running.admin.post('/__admin/reset');
    await running.admin.delete('/__admin/faults');
    await running.admin.delete('/__admin/clock');
  });
  return running;
}

describe('the Sales Connect client against the sandbox', () => {
  const running = useSandboxProcess({ SALESCONNECT_SANDBOX_WEBHOOK_RETRY_BASE_MS: '20' });
  const app = () => new ApiClient(running.url, APP_TOKEN);
  const client = (clientApp?: string) => new SalesConnectClient({ baseUrl: running.url, token: APP_TOKEN, clientApp });
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  /** A user made through the admin API, with a client of their own token. */
  const createUser = async (timeZone: string): Promise<{ id: string; api: ApiClient }> => {
    const created = await running.admin.post('/__admin/salesconnect/users', {
      email: `rep-${Math.random().toString(36).slice(2, 8)}@example.com`,
      timeZone,
    });
    if (created.status !== 201) throw new Error(`user not created: ${created.status} ${JSON.stringify(created.body)}`);
    return { id: created.body.id, api: new ApiClient(running.url, created.body.apiToken) };
  };
  /** Calls the sandbox counted, for one tenant (and endpoint). */
  const callsTotal = async (filter: { tenant: string; endpoint?: string }): Promise<number> =>
    ((await running.admin.get('/__admin/calls')).body.calls as { tenant: string; endpoint: string; count: number }[])
      .filter((c) => c.tenant === filter.tenant && (filter.endpoint === undefined || c.endpoint === filter.endpoint))
      .reduce((sum, c) => sum + c.count, 0);

  describe('with the app token', () => {
    it('acts as the user named by X-SalesConnect-User on every task route, recording the calling app as origin', async () => {
      const other = await createUser('Europe/Lisbon');
      const asOther = client('task-sync').forUser(other.id);
      const { task, replayed } = await asOther.createTask(
        { name: 'Call Ana', dueDate: parseCalendarDate('2026-11-25'), type: 'call' },
        { idempotencyKey: 'sync-1' },
      );
      expect(replayed).toBe(false);
      expect(task).toMatchObject({ ownerId: other.id, createdBy: 'task-sync', version: 1 });
      expect(
        (
          await asOther.createTask(
            { name: 'Call Ana', dueDate: parseCalendarDate('2026-11-25'), type: 'call' },
            { idempotencyKey: 'sync-1' },
          )
        ).replayed,
      ).toBe(true);

      expect(await asOther.getTask(task.id)).toEqual(task);
      const patched = await asOther.updateTask(task.id, { details: 'pricing' }, { ifMatch: 1 });
      expect(patched).toMatchObject({ details: 'pricing', version: 2, lastModifiedBy: 'task-sync' });
      expect((await asOther.completeTask(task.id, { ifMatch: 2 })).status).toBe('Complete');
      expect((await asOther.reopenTask(task.id)).status).toBe('Open');
      const conflict = await apiErrorOf(asOther.completeTask(task.id, { ifMatch: 1 }));
      expect([conflict.code, conflict.status, conflict.details]).toEqual([
        'VERSION_CONFLICT',
        409,
        { currentVersion: 4 },
      ]);
      await asOther.deleteTask(task.id, { ifMatch: 4 });
      expect((await apiErrorOf(asOther.getTask(task.id))).code).toBe('TASK_NOT_FOUND');

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
      expect(
        (await app().post('/v1/tasks', { name: 'plain' }, { 'x-salesconnect-user': other.id })).body.createdBy,
      ).toBe('salesconnect-ui');
      // Calls are counted for the user the app acted for.
      expect(await callsTotal({ tenant: other.id, endpoint: 'POST /v1/tasks' })).toBe(3);
    });

    it('answers 404 USER_NOT_FOUND for an unknown user, and 400 naming X-SalesConnect-User when an app calls a user-only route as itself', async () => {
      const unknown = await app().get('/v1/tasks', { 'x-salesconnect-user': 'scu_nobody' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toBe('USER_NOT_FOUND');
      expect((await apiErrorOf(client().forUser('scu_nobody').listChanges())).code).toBe('USER_NOT_FOUND');

      for (const [method, path] of [
        ['GET', '/v1/tasks'],
        ['POST', '/v1/tasks'],
        ['GET', '/v1/tasks/sct_123'],
        ['PATCH', '/v1/tasks/sct_123'],
        ['POST', '/v1/tasks/sct_123/complete'],
        ['DELETE', '/v1/tasks/sct_123'],
        ['GET', '/v1/command-center'],
      ]) {
        const res = await app().request(
          method,
          path,
          method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined,
        );
        expect([method, path, res.status, res.body.error, res.body.fields]).toEqual([
          method,
          path,
          400,
          'VALIDATION_FAILED',
          [{ field: 'X-SalesConnect-User', message: expect.any(String) }],
        ]);
      }
    });

    it('reads the app-wide feed without X-SalesConnect-User: every user, one sequence, the same cursor semantics', async () => {
      const other = await createUser('Asia/Kolkata');
      await running.api.post('/v1/tasks', { name: 'mine-1' });
      await other.api.post('/v1/tasks', { name: 'theirs-1' });
      await running.api.post('/v1/tasks', { name: 'mine-2' });

      const first = await client().listChanges({ limit: 2 });
      expect(first.changes.map((c) => [c.task.name, c.userId])).toEqual([
        ['mine-1', DEFAULT_USER_ID],
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
      expect((await client().listChanges({ cursor: idle.nextCursor })).changes.map((c) => c.task.name)).toEqual([
        'theirs-2',
      ]);
      // Acting as a user narrows the feed to theirs.
      expect((await client().forUser(other.id).listChanges()).changes.map((c) => c.task.name)).toEqual([
        'theirs-1',
        'theirs-2',
      ]);
      expect((await apiErrorOf(client().listChanges({ cursor: 'bogus' }))).code).toBe('INVALID_CURSOR');
    });

    it('expires an app-wide cursor like any other: 410 CURSOR_EXPIRED once a change after it is past retention', async () => {
      await running.admin.post('/__admin/clock', { now: '2026-11-01T12:00:00Z', frozen: true });
      const start = (await client().listChanges()).nextCursor;
      await running.api.post('/v1/tasks', { name: 'old' });
      await running.admin.post('/__admin/clock', { now: '2026-11-08T12:00:01Z', frozen: true });
      await running.api.post('/v1/tasks', { name: 'recent' });
      const expired = await apiErrorOf(client().listChanges({ cursor: start }));
      expect([expired.code, expired.status]).toEqual(['CURSOR_EXPIRED', 410]);
      expect((await client().listChanges()).changes.map((c) => c.task.name)).toEqual(['recent']);
    });

    it("keeps the app's webhook subscriptions and deliveries its own, apart from the users'", async () => {
      receiver = await startWebhookReceiver();
      const sc = client();
      const appSub = await sc.createWebhookSubscription({ url: receiver.url });
      expect(appSub).toMatchObject({ url: receiver.url, userId: null });
      const userSub = await running.api.post('/v1/webhooks/subscriptions', {
        url: 'http://127.0.0.1:9/user-hooks',
        userId: DEFAULT_USER_ID,
      });

      expect((await sc.listWebhookSubscriptions()).map((s) => s.id)).toEqual([appSub.id]);
      expect((await running.api.get('/v1/webhooks/subscriptions')).body.items.map((s: { id: string }) => s.id)).toEqual(
        [userSub.body.id],
      );
      // Acting for a user, the app sees that user's subscriptions, not its own.
      const asUser = await app().get('/v1/webhooks/subscriptions', { 'x-salesconnect-user': DEFAULT_USER_ID });
      expect(asUser.body.items.map((s: { id: string }) => s.id)).toEqual([userSub.body.id]);
      // Neither can delete the other's.
      expect((await running.api.delete(`/v1/webhooks/subscriptions/${appSub.id}`)).status).toBe(404);
      expect((await apiErrorOf(sc.deleteWebhookSubscription(userSub.body.id))).code).toBe('NOT_FOUND');

      // The app-level subscription gets every user's changes, signed; its log is the app's.
      const other = await createUser('Europe/Lisbon');
      await other.api.post('/v1/tasks', { name: 'theirs' });
      const got = receiver.received;
      await waitFor('a webhook', () => (got.length >= 1 ? true : undefined), 5000, 20);
      expect(
        verifyWebhookSignature(
          'sandbox-webhook-secret',
          got[0].headers['x-salesconnect-timestamp'] as string,
          got[0].body,
          got[0].headers['x-salesconnect-signature'] as string,
          Math.floor(Date.now() / 1000),
        ),
      ).toEqual({ valid: true });
      const deliveries = await waitFor(
        'a succeeded delivery',
        async () => {
          const items = await sc.listWebhookDeliveries({ subscriptionId: appSub.id });
          return items[0]?.status === 'succeeded' ? items : undefined;
        },
        5000,
        20,
      );
      expect(deliveries.map((d) => [d.userId, d.changeType])).toEqual([[other.id, 'created']]);
      expect((await running.api.get('/v1/webhooks/deliveries')).body.items).toEqual([]);

      await sc.deleteWebhookSubscription(appSub.id);
      expect(await sc.listWebhookSubscriptions()).toEqual([]);
    });
  });

  it("verifies the sandbox's webhook signatures over timestamp and body, and refuses what a receiver must refuse", async () => {
    receiver = await startWebhookReceiver();
    expect((await running.api.post('/v1/webhooks/subscriptions', { url: receiver.url })).status).toBe(201);
    const { body: task } = await running.api.as('task-sync').post('/v1/tasks', { name: 'Hooked' });
    await running.api.post(`/v1/tasks/${task.id}/complete`);
    await running.api.delete(`/v1/tasks/${task.id}`);
    const got = receiver.received;
    await waitFor('3 webhooks', () => (got.length >= 3 ? true : undefined), 5000, 20);
    for (const r of got) {
      const ts = header(r.headers, 'x-salesconnect-timestamp');
      const sig = header(r.headers, 'x-salesconnect-signature');
      expect(verifyWebhookSignature(SECRET, ts, r.body, sig, nowSeconds())).toEqual({ valid: true });
      // What a receiver must refuse:
      expect(verifyWebhookSignature(SECRET, ts, r.body.replace('Hooked', 'Hacked'), sig, nowSeconds())).toEqual({
        valid: false,
        reason: 'SIGNATURE_MISMATCH',
      });
      expect(verifyWebhookSignature(SECRET, String(Number(ts) - 1), r.body, sig, nowSeconds())).toEqual({
        valid: false,
        reason: 'SIGNATURE_MISMATCH',
      });
      expect(verifyWebhookSignature('wrong-secret', ts, r.body, sig, nowSeconds())).toEqual({
        valid: false,
        reason: 'SIGNATURE_MISMATCH',
      });
      expect(verifyWebhookSignature(SECRET, ts, r.body, sig, nowSeconds() + 301)).toEqual({
        valid: false,
        reason: 'TIMESTAMP_OUT_OF_TOLERANCE',
      });
    }
  });
});
