import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createUser, startSandbox, useSandbox, waitUntil } from './testing/sandbox-harness';
import { startWebhookReceiver, type WebhookReceiver } from '@task-sync/salesconnect-sandbox/testing';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'int-spec-secret';

interface Delivery {
  id: string;
  subscriptionId: string;
  status: string;
  changeType: string;
  attempts: { statusCode: number | null; error: string | null }[];
  nextAttemptAt: string | null;
}

const header = (h: Record<string, string | string[] | undefined>, name: string) => h[name] as string | undefined;

describe('webhooks over HTTP', () => {
  const running = useSandbox({ webhookSecret: SECRET });
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const subscribe = async (url: string, userId?: string) => {
    const created = await running.api.post('/v1/webhooks/subscriptions', {
      url,
      ...(userId === undefined ? {} : { userId }),
    });
    expect(created.status).toBe(201);
    return created.body as { id: string };
  };
  /** Subscribes `url` on `sandbox`, makes a task there, and waits for its delivery to be given up. */
  const failedDeliveryTo = async (sandbox: Awaited<ReturnType<typeof startSandbox>>, url: string) => {
    await sandbox.api.post('/v1/webhooks/subscriptions', { url });
    await sandbox.api.post('/v1/tasks', { name: 'Nobody answers' });
    return waitUntil(
      async () =>
        ((await sandbox.api.get('/v1/webhooks/deliveries')).body.items as Delivery[]).find(
          (d) => d.status === 'failed',
        ),
      5000,
      'a failed delivery',
    );
  };
  const deliveries = async () => (await running.api.get('/v1/webhooks/deliveries')).body.items as Delivery[];

  it('manages subscriptions: create, list, refuse a bad URL by field, delete', async () => {
    const sub = await subscribe('http://127.0.0.1:9/hooks');
    expect((await running.api.get('/v1/webhooks/subscriptions')).body.items).toEqual([
      expect.objectContaining({ id: sub.id, url: 'http://127.0.0.1:9/hooks', userId: null }),
    ]);
    const bad = await running.api.post('/v1/webhooks/subscriptions', { url: 'ftp://example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('url');
    expect(
      (await running.api.post('/v1/webhooks/subscriptions', { url: 'http://127.0.0.1:9/', userId: 'scu_nobody' })).body
        .fields[0].field,
    ).toBe('userId');
    expect((await running.api.delete(`/v1/webhooks/subscriptions/${sub.id}`)).status).toBe(204);
    expect((await running.api.get('/v1/webhooks/subscriptions')).body.items).toEqual([]);
    expect((await running.api.delete(`/v1/webhooks/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it("each change names its tenant, in the feed and in the webhook body: the owner's account", async () => {
    receiver = await startWebhookReceiver();
    await subscribe(receiver.url);
    const acme = await createUser(running, 'Europe/Lisbon', undefined, 'tenant-acme');
    await acme.api.post('/v1/tasks', { name: 'in acme' });
    await running.api.post('/v1/tasks', { name: 'in the demo tenant' });
    await waitUntil(() => (receiver?.received.length === 2 ? true : undefined), 5000, 'both creates');
    const bodies = receiver.received.map(
      (r) => JSON.parse(r.body) as { tenantId: string; userId: string; task: { name: string } },
    );
    expect(bodies.map((b) => [b.task.name, b.tenantId, b.userId]).sort()).toEqual([
      ['in acme', 'tenant-acme', acme.id],
      ['in the demo tenant', 'demo-tenant', running.sandbox.defaultUser.id],
    ]);
    const feed = (await running.admin.get('/__admin/salesconnect/changes')).body.changes as {
      tenantId: string;
      task: { name: string };
    }[];
    expect(feed.map((c) => [c.task.name, c.tenantId])).toEqual([
      ['in acme', 'tenant-acme'],
      ['in the demo tenant', 'demo-tenant'],
    ]);
  });

  it("numbers each task's changes (task.version 1, 2, 3 …) and, on the admin hold, sends a task's deliveries reversed, a round each, while other tasks' go at once", async () => {
    receiver = await startWebhookReceiver();
    await subscribe(receiver.url);
    const { body: task } = await running.api.post('/v1/tasks', { name: 'v1' });
    await waitUntil(() => (receiver?.received.length === 1 ? true : undefined), 5000, 'the create');
    expect((await running.admin.post('/__admin/salesconnect/webhooks/hold', { taskIds: [task.id] })).status).toBe(200);
    await running.api.patch(`/v1/tasks/${task.id}`, { name: 'v2' });
    await running.api.patch(`/v1/tasks/${task.id}`, { name: 'v3' });
    await running.api.post(`/v1/tasks/${task.id}/complete`);
    const { body: other } = await running.api.post('/v1/tasks', { name: 'not held' });
    await waitUntil(() => (receiver?.received.length === 2 ? true : undefined), 5000, 'the other task');
    const parse = (r: { body: string }) =>
      JSON.parse(r.body) as { taskId: string; sequence: number; task: { version: number } };
    expect(parse(receiver.received[1]).taskId).toBe(other.id);

    expect(
      (await running.admin.post('/__admin/salesconnect/webhooks/release', { order: 'reverse', intervalMs: 100 })).body,
    ).toEqual({ released: 3 });
    await waitUntil(() => (receiver?.received.length === 5 ? true : undefined), 5000, 'the held deliveries');
    const held = receiver.received.slice(2).map(parse);
    expect(held.map((c) => c.task.version)).toEqual([4, 3, 2]);
    expect(held.map((c) => c.sequence)).toEqual([...held.map((c) => c.sequence)].sort((a, b) => b - a));
    expect(receiver.received[3].receivedAtMs - receiver.received[2].receivedAtMs).toBeGreaterThanOrEqual(90);
    expect((await running.admin.post('/__admin/salesconnect/webhooks/release', { order: 'sideways' })).status).toBe(
      400,
    );
  });

  // That the product's verifier accepts these signatures is tested on its side (libs/salesconnect/client).
  it('POSTs every change, signed over timestamp and body, with the origin, the same as the feed entry', async () => {
    receiver = await startWebhookReceiver();
    await subscribe(receiver.url);
    const { body: task } = await running.api.as('task-sync').post('/v1/tasks', { name: 'Hooked' });
    await running.api.post(`/v1/tasks/${task.id}/complete`);
    await running.api.delete(`/v1/tasks/${task.id}`);
    const got = receiver.received;
    await waitUntil(() => (got.length >= 3 ? true : undefined), 5000, '3 webhooks');

    const bodies = got.map((r) => JSON.parse(r.body) as { type: string; origin: string; cursor: string });
    expect(bodies.map((b) => b.type).sort()).toEqual(['completed', 'created', 'deleted']);
    expect(bodies.find((b) => b.type === 'created')?.origin).toBe('task-sync');
    expect(bodies.find((b) => b.type === 'completed')?.origin).toBe('salesconnect-ui');
    const feed = (await running.admin.get('/__admin/salesconnect/changes')).body.changes as { cursor: string }[];
    for (const b of bodies) expect(feed).toContainEqual(b);

    for (const r of got) {
      const ts = header(r.headers, 'x-salesconnect-timestamp');
      const sig = header(r.headers, 'x-salesconnect-signature');
      expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(header(r.headers, 'x-salesconnect-delivery-id')).toMatch(/^scd_/);
      expect(ts).toMatch(/^\d+$/);
    }
  });

  it('signs with the sandbox clock’s time', async () => {
    await running.admin.post('/__admin/clock', { now: '2027-03-28T00:30:00Z', frozen: true });
    try {
      receiver = await startWebhookReceiver();
      await subscribe(receiver.url);
      await running.api.post('/v1/tasks', { name: 'Clocked' });
      const got = receiver.received;
      await waitUntil(() => (got.length >= 1 ? true : undefined), 5000, 'a webhook');
      expect(header(got[0].headers, 'x-salesconnect-timestamp')).toBe(
        String(Date.parse('2027-03-28T00:30:00Z') / 1000),
      );
    } finally {
      await running.admin.delete('/__admin/clock');
    }
  });

  it('retries with backoff after failures: 500, 500, then 200 makes 3 attempts, all in the delivery log', async () => {
    receiver = await startWebhookReceiver((n) => (n <= 2 ? 500 : 200));
    await subscribe(receiver.url);
    await running.api.post('/v1/tasks', { name: 'Flaky receiver' });
    const done = await waitUntil(
      async () => (await deliveries()).find((d) => d.status === 'succeeded'),
      5000,
      'a succeeded delivery',
    );
    expect(done.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(done.nextAttemptAt).toBeNull();
    const got = receiver.received;
    expect(got).toHaveLength(3);
    // The same delivery, the same body, each time (at-least-once, de-duplicable by delivery id).
    expect(new Set(got.map((r) => header(r.headers, 'x-salesconnect-delivery-id')))).toEqual(new Set([done.id]));
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    // Exponential backoff from a 20 ms base: the second wait is about twice the first.
    expect(got[1].receivedAtMs - got[0].receivedAtMs).toBeGreaterThanOrEqual(18);
    expect(got[2].receivedAtMs - got[1].receivedAtMs).toBeGreaterThanOrEqual(38);
  });

  it('gives up after the configured attempts on a receiver that is down, logging the network error', async () => {
    const limited = await startSandbox({ webhookMaxAttempts: 3 });
    try {
      const closedPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as AddressInfo;
          probe.close(() => resolve(port));
        });
      });
      const failed = await failedDeliveryTo(limited, `http://127.0.0.1:${closedPort}/down`);
      expect(failed.attempts).toHaveLength(3);
      expect(
        failed.attempts.every((a) => a.statusCode === null && typeof a.error === 'string' && a.error.length > 0),
      ).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('an attempt the receiver never answers ends at the timeout, logged as such, and is retried', async () => {
    const limited = await startSandbox({ webhookMaxAttempts: 2, webhookTimeoutMs: 200 });
    // Reads the request and never answers: the attempt must end on the sandbox's own timeout.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const failed = await failedDeliveryTo(limited, `http://127.0.0.1:${port}/silent`);
      expect(failed.attempts).toHaveLength(2);
      expect(failed.attempts.map((a) => [a.statusCode, a.error])).toEqual([
        [null, 'no answer within 200 ms'],
        [null, 'no answer within 200 ms'],
      ]);
    } finally {
      await limited.close();
      silent.close();
    }
  });

  it('a delivery still pending at stop is retried after a restart from the snapshot (at-least-once across restarts)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sc-hooks-')), 'state.json');
    receiver = await startWebhookReceiver((n) => (n === 1 ? 500 : 200));
    // A long backoff, so the retry is still waiting when the sandbox stops.
    const first = await startSandbox({ snapshotFile: file, webhookRetryBaseMs: 60_000 });
    await first.api.post('/v1/webhooks/subscriptions', { url: receiver.url });
    await first.api.post('/v1/tasks', { name: 'Outlives the sandbox' });
    const got = receiver.received;
    await waitUntil(
      async () =>
        (await first.api.get('/v1/webhooks/deliveries')).body.items[0]?.attempts.length === 1 ? true : undefined,
      5000,
      'a first attempt',
    );
    await first.close();

    const second = await startSandbox({ snapshotFile: file });
    try {
      const done = await waitUntil(
        async () =>
          ((await second.api.get('/v1/webhooks/deliveries')).body.items as Delivery[]).find(
            (d) => d.status === 'succeeded',
          ),
        5000,
        'the retried delivery',
      );
      expect(done.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
      expect(got).toHaveLength(2);
      expect(got[1].body).toBe(got[0].body);
    } finally {
      await second.close();
    }
  });

  it('dropWebhook share 1 sends nothing, logs the delivery as dropped, and the feed still has the change', async () => {
    receiver = await startWebhookReceiver();
    await subscribe(receiver.url);
    await running.admin.post('/__admin/faults', { shares: { dropWebhook: 1 } });
    const { body: task } = await running.api.post('/v1/tasks', { name: 'Lost in the post' });
    await sleep(300);
    expect(receiver.received).toHaveLength(0);
    expect((await deliveries()).map((d) => [d.status, d.attempts.length])).toEqual([['dropped', 0]]);
    const feed = await running.api.get('/v1/changes');
    expect(feed.body.changes).toEqual([expect.objectContaining({ type: 'created', taskId: task.id })]);
    expect((await running.admin.get('/__admin/salesconnect/webhooks/deliveries')).body.items[0].status).toBe('dropped');
  });

  it('a subscription for one user gets only that user’s changes; an app-level one gets everyone’s', async () => {
    const other = await createUser(running, 'Europe/Lisbon');
    const onlyMine = await startWebhookReceiver();
    receiver = await startWebhookReceiver();
    try {
      await subscribe(onlyMine.url, running.sandbox.defaultUser.id);
      await subscribe(receiver.url);
      await running.api.post('/v1/tasks', { name: 'mine' });
      await other.api.post('/v1/tasks', { name: 'theirs' });
      const all = receiver.received;
      await waitUntil(() => (all.length >= 2 ? true : undefined), 5000, 'two webhooks');
      await sleep(100);
      expect(onlyMine.received.map((r) => (JSON.parse(r.body) as { task: { name: string } }).task.name)).toEqual([
        'mine',
      ]);
      expect(all.map((r) => (JSON.parse(r.body) as { task: { name: string } }).task.name).sort()).toEqual([
        'mine',
        'theirs',
      ]);
    } finally {
      await onlyMine.close();
    }
  });
});
