import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Admin, Consumer, Producer } from 'kafkajs';
import {
  type ConnectionStatusChanged,
  KAFKA_TOPICS,
  MESSAGE_HEADERS,
  type SalesConnectTaskChanged,
  type TaskSyncSettingChanged,
  tryDecodeEvent,
} from '@task-sync/contracts';
import { createDatabase, freePort, SalesConnectUser, ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import {
  kafkaClient,
  publishSettingChanges,
  settingChanged,
  startGroupAtLogEnd,
  testEnv,
  uniqueId,
  useKafkaClients,
} from './support/stack';
import { setTimeout as sleep } from 'node:timers/promises';

// salesconnect-ingest as a process, with the Sales Connect sandbox as a process, the real broker
// and PostgreSQL. Everything is driven through public interfaces: the sandbox's API (and its
// /__admin for faults and the clock), the settings topic, the ingest's HTTP routes, and what
// arrives on salesconnect.task-changes.v1 and sync.connection-status.v1.

const APP_TOKEN = 'sc_app_task_sync_dev';
const WEBHOOK_SECRET = 'sandbox-webhook-secret';

interface Received {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string;
}

interface SandboxUser {
  id: string;
  apiToken: string;
}

interface FeedEntry {
  sequence: number;
  type: string;
  taskId: string;
  tenantId: string;
  userId: string;
  occurredAt: string;
  task: { createdAt: string };
}

async function admin(sandbox: ServiceProcess, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.url}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} /__admin${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** A Sales Connect user in `tenantId` (by default the tenant `settingChanged` gives a connection). */
async function createSandboxUser(sandbox: ServiceProcess, tenantId = 'tenant-it'): Promise<SandboxUser> {
  return (await admin(sandbox, 'POST', '/salesconnect/users', {
    email: `${uniqueId('rep')}@example.com`,
    timeZone: 'America/Sao_Paulo',
    tenantId,
  })) as SandboxUser;
}

async function feedOf(sandbox: ServiceProcess, userId: string): Promise<FeedEntry[]> {
  const { changes } = (await admin(sandbox, 'GET', '/salesconnect/changes')) as { changes: FeedEntry[] };
  return changes.filter((c) => c.userId === userId);
}

async function deliveriesOf(sandbox: ServiceProcess, userId: string) {
  const { items } = (await admin(sandbox, 'GET', '/salesconnect/webhooks/deliveries')) as {
    items: { userId: string; status: string; changeType: string; attempts: { statusCode: number | null }[] }[];
  };
  return items.filter((d) => d.userId === userId);
}

/** A webhook exactly as Sales Connect signs it, computed here on its own (not with the code under test). */
function signDelivery(body: string, timestamp: number, secret = WEBHOOK_SECRET): Record<string, string> {
  const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'x-salesconnect-timestamp': String(timestamp),
    'x-salesconnect-signature': `v1=${hex}`,
  };
}

/**
 * One describe block's ingest: its own Sales Connect sandbox, database and consumer group, a port
 * chosen first for the webhook URL.
 */
class IngestUnderTest {
  sandbox!: ServiceProcess;
  process!: ServiceProcess;
  databaseUrl = '';
  groupId = uniqueId('salesconnect-ingest');
  port = 0;
  readonly processes: ServiceProcess[] = [];
  /** Stands in for connector-settings' settings watermark: this spec publishes the setting changes itself. */
  private watermark?: { server: Server; url: string };
  /** Set: the watermark stays before this instant, as connector-settings' does while a setting change waits in its outbox. */
  private heldAt: number | null = null;

  constructor(
    private readonly pollMs: number,
    private readonly kafka: { admin: Admin; producer: Producer },
  ) {}

  /**
   * For a describe block: the sandbox (`sandboxEnv` added to its own) and the ingest (a catch-up
   * round every `pollMs`) started, following the feed, before its first test; both stopped after its last.
   */
  static use(
    kafka: { admin: Admin; producer: Producer },
    pollMs: number,
    sandboxEnv: Record<string, string> = {},
  ): IngestUnderTest {
    const ingest = new IngestUnderTest(pollMs, kafka);
    beforeAll(async () => {
      ingest.sandbox = await ServiceProcess.start('salesconnect-sandbox', sandboxEnv);
      await ingest.start();
      await ingest.waitUntilFollowing();
    });
    afterAll(async () => {
      await ingest.stop();
      await ingest.sandbox?.stop();
    });
    return ingest;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}/webhooks/salesconnect`;
  }

  async start(): Promise<ServiceProcess> {
    if (this.databaseUrl === '') {
      this.watermark = await this.serveWatermark();
      this.databaseUrl = await createDatabase(testEnv.newDatabaseName(uniqueId('sci').replace('-', '_')));
      this.port = await freePort();
      // A new group starts at the settings topic's end: only this test's setting changes matter.
      await startGroupAtLogEnd(this.kafka.admin, this.groupId, KAFKA_TOPICS.settingsChanges);
    }
    this.process = await ServiceProcess.start(
      'salesconnect-ingest',
      {
        DATABASE_URL: this.databaseUrl,
        KAFKA_CONSUMER_GROUP: this.groupId,
        SALESCONNECT_API_URL: this.sandbox.url,
        SALESCONNECT_WEBHOOK_PUBLIC_URL: this.webhookUrl,
        CONNECTOR_SETTINGS_URL: this.watermark?.url ?? '',
        FEED_POLL_INTERVAL_MS: String(this.pollMs),
      },
      this.port,
    );
    this.processes.push(this.process);
    return this.process;
  }

  /**
   * Answers as connector-settings does with nothing left in its outbox: every setting change up to
   * now lies before the settings topic's current ends (this spec awaits each publish).
   */
  private async serveWatermark(): Promise<{ server: Server; url: string }> {
    const server = createServer((req, res) => {
      if (req.url !== '/internal/v1/settings-watermark') return void res.writeHead(404).end();
      const at = new Date((this.heldAt ?? Date.now()) - 1).toISOString();
      void this.kafka.admin.fetchTopicOffsets(KAFKA_TOPICS.settingsChanges).then(
        (offsets) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              at,
              ends: offsets.map((o) => ({ partition: o.partition, offset: o.high, low: o.low })),
            }),
          ),
        () => res.writeHead(503).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { server, url: `http://127.0.0.1:${port}` };
  }

  holdWatermarkAt(instant: number | null): void {
    this.heldAt = instant;
  }

  /** The first round has run: the feed cursor is stored and the webhook subscription exists. */
  async waitUntilFollowing(): Promise<void> {
    await this.process.waitForLog(
      (l) => l.msg === 'catch-up round' && (l['kind'] === 'started-at-end' || l['kind'] === 'caught-up'),
      60_000,
    );
    await waitFor('the webhook subscription', async () => {
      const res = await fetch(`${this.sandbox.url}/v1/webhooks/subscriptions`, {
        headers: { authorization: `Bearer ${APP_TOKEN}` },
      });
      const { items } = (await res.json()) as { items: { url: string; userId: string | null }[] };
      return items.some((s) => s.url === this.webhookUrl && s.userId === null);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    await new Promise((resolve) => (this.watermark ? this.watermark.server.close(resolve) : resolve(undefined)));
  }

  async setSync(
    userId: string,
    connectionId: string,
    kind: TaskSyncSettingChanged['kind'],
    producer: Parameters<typeof publishSettingChanges>[0],
    tenantId?: string,
  ): Promise<void> {
    await publishSettingChanges(producer, [
      settingChanged({ userId, connectionId, kind, enabled: kind !== 'disable', ...(tenantId ? { tenantId } : {}) }),
    ]);
    await waitFor(`${kind} of ${connectionId} in the projection`, () =>
      withPg(this.databaseUrl, async (c) => {
        const { rows } = await c.query(
          `SELECT enabled FROM salesconnect_ingest.connection_setting WHERE connection_id = $1`,
          [connectionId],
        );
        return rows[0]?.enabled === (kind !== 'disable');
      }),
    );
  }

  /** A new Sales Connect user with "Sync tasks" on for a new connection (`prefix-…`), applied here; `api`: the user's own client. */
  async syncNewUser(prefix: string): Promise<{ user: SandboxUser; connectionId: string; api: SalesConnectUser }> {
    const user = await createSandboxUser(this.sandbox);
    const connectionId = uniqueId(prefix);
    await this.setSync(user.id, connectionId, 'first-enable', this.kafka.producer);
    return { user, connectionId, api: new SalesConnectUser(this.sandbox.url, user.id, user.apiToken) };
  }

  async roundsOk(): Promise<number> {
    return this.process.metric('salesconnect_catchup_rounds_total', { outcome: 'ok' });
  }

  /** Two more rounds finished: whatever was in the feed before this call has been through the catch-up. */
  async waitForTwoRounds(): Promise<void> {
    const before = await this.roundsOk();
    await waitFor('two more catch-up rounds', async () => (await this.roundsOk()) >= before + 2);
  }
}

describe('salesconnect-ingest: Sales Connect changes → Kafka', () => {
  const kafka = useKafkaClients();
  const received: Received[] = [];
  let reader: Consumer;

  beforeAll(async () => {
    const groupId = uniqueId('sci-reader');
    for (const topic of [KAFKA_TOPICS.salesconnectTaskChanges, KAFKA_TOPICS.connectionStatus])
      await startGroupAtLogEnd(kafka.admin, groupId, topic);
    reader = kafkaClient().consumer({ groupId, maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topics: [KAFKA_TOPICS.salesconnectTaskChanges, KAFKA_TOPICS.connectionStatus] });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        received.push({
          topic,
          key: message.key?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          value: message.value?.toString() ?? '',
        });
      },
    });
  });

  afterAll(async () => {
    await reader?.disconnect();
  });

  /** The task-change events of one connection, each validated against the contract on its topic. */
  const taskEventsOf = (connectionId: string): { event: SalesConnectTaskChanged; message: Received }[] =>
    received
      .filter((m) => m.topic === KAFKA_TOPICS.salesconnectTaskChanges)
      .map((message) => {
        const decoded = tryDecodeEvent(message.value, KAFKA_TOPICS.salesconnectTaskChanges);
        if (!decoded.ok) throw new Error(`an invalid event on the topic: ${decoded.error.message}`);
        return { event: decoded.event as SalesConnectTaskChanged, message };
      })
      .filter(({ event }) => event.connectionId === connectionId);

  const statusReportsOf = (connectionId: string): ConnectionStatusChanged[] =>
    received
      .filter((m) => m.topic === KAFKA_TOPICS.connectionStatus)
      .map((m) => JSON.parse(m.value) as ConnectionStatusChanged)
      .filter((r) => r.connectionId === connectionId && r.reportedBy === 'salesconnect-ingest');

  /** Each feed change of the user, published exactly once: the same (task, time, kind) multiset, no event id twice. */
  async function expectExactlyOnce(sandbox: ServiceProcess, userId: string, connectionId: string): Promise<void> {
    const feed = await feedOf(sandbox, userId);
    const expected = feed
      .map((c) => `${c.taskId} ${c.occurredAt} ${c.type === 'deleted' ? 'delete' : 'upsert'}`)
      .sort();
    const events = taskEventsOf(connectionId).map(({ event }) => event);
    expect(events.map((e) => `${e.taskId} ${e.changedAt} ${e.kind}`).sort()).toEqual(expected);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  }

  describe('webhooks (the catch-up is 10 minutes away, so only a webhook explains a quick event)', () => {
    const ingest = IngestUnderTest.use(kafka, 600_000);

    it('R6: publishes each change within a couple of seconds, as a valid event keyed connection:task with its event-id header', async () => {
      const { user, connectionId, api } = await ingest.syncNewUser('conn-hook');

      const started = Date.now();
      const task = await api.create({
        name: 'Call Ana',
        details: 'pricing',
        dueDate: '2026-12-01',
        priority: 'High',
        type: 'call',
        contactEmail: 'Ana@Example.com',
      });
      await waitFor('the created event', async () => taskEventsOf(connectionId).length === 1, 10_000);
      expect(Date.now() - started).toBeLessThan(2_500);

      await api.patch(task.id, { name: 'Call Ana back' });
      await api.complete(task.id);
      await api.reopen(task.id);
      await api.delete(task.id);
      await waitFor('five events', async () => taskEventsOf(connectionId).length === 5, 10_000);

      const events = taskEventsOf(connectionId);
      for (const { event, message } of events) {
        expect(message.key).toBe(`${connectionId}:${task.id}`);
        expect(message.headers[MESSAGE_HEADERS.eventId]).toBe(event.eventId);
        expect(message.headers[MESSAGE_HEADERS.eventType]).toBe('salesconnect-task-changed');
        expect(event).toMatchObject({
          taskId: task.id,
          source: 'live',
          origin: 'salesconnect-ui',
          createdAt: task.createdAt,
        });
      }
      // One partition per key, so they arrive in the order they happened.
      expect(events.map(({ event }) => [event.kind, event.fields?.title ?? null, event.fields?.open ?? null])).toEqual([
        ['upsert', 'Call Ana', true],
        ['upsert', 'Call Ana back', true],
        ['upsert', 'Call Ana back', false],
        ['upsert', 'Call Ana back', true],
        ['delete', null, null],
      ]);
      expect(events[0].event.fields).toEqual({
        title: 'Call Ana',
        details: 'pricing',
        dueDate: '2026-12-01',
        open: true,
        priority: 'high',
        type: 'call',
        contactEmail: 'ana@example.com',
      });
      const feed = await feedOf(ingest.sandbox, user.id);
      expect(events.map(({ event }) => event.changedAt)).toEqual(feed.map((c) => c.occurredAt));
      // It was the webhooks: every delivery succeeded, and the ingest counted them as published.
      expect((await deliveriesOf(ingest.sandbox, user.id)).map((d) => d.status)).toEqual(Array(5).fill('succeeded'));
      expect(
        await ingest.process.metric('salesconnect_changes_total', { source: 'webhook', outcome: 'published' }),
      ).toBeGreaterThanOrEqual(5);
    });

    it("tenant isolation: two tenants with the same user id, a change in one reaches only that tenant's connection", async () => {
      const user = await createSandboxUser(ingest.sandbox, 'tenant-isolation-a');
      // Another tenant's connection for a user of the same id (their identity provider's id, not this person).
      const ours = uniqueId('conn-tenant-a');
      const theirs = uniqueId('conn-tenant-b');
      await ingest.setSync(user.id, ours, 'first-enable', kafka.producer, 'tenant-isolation-a');
      await ingest.setSync(user.id, theirs, 'first-enable', kafka.producer, 'tenant-isolation-b');

      const task = await new SalesConnectUser(ingest.sandbox.url, user.id, user.apiToken).create({
        name: 'Only for tenant A',
      });
      await waitFor("the event for tenant A's connection", async () => taskEventsOf(ours).length === 1, 10_000);
      const feed = await feedOf(ingest.sandbox, user.id);
      expect(feed).toEqual([expect.objectContaining({ taskId: task.id, tenantId: 'tenant-isolation-a' })]);
      // The same webhook round would have published both; a later one finds the change already published.
      await new SalesConnectUser(ingest.sandbox.url, user.id, user.apiToken).patch(task.id, {
        name: 'Only for tenant A, edited',
      });
      await waitFor("the edit for tenant A's connection", async () => taskEventsOf(ours).length === 2, 10_000);
      expect(taskEventsOf(theirs)).toEqual([]);
    });

    /** One task's published versions, in the order they are on its partition. */
    const versionsOf = (connectionId: string, taskId: string) =>
      taskEventsOf(connectionId)
        .filter(({ event }) => event.taskId === taskId)
        .map(({ event }) => event.version);

    it("webhook order: a task's changes whose webhooks come in reverse rounds are published in Sales Connect's order, and another task's change is not held back", async () => {
      const { connectionId, api } = await ingest.syncNewUser('conn-order');
      const task = await api.create({ name: 'v1' });
      await waitFor('the create', async () => versionsOf(connectionId, task.id).length === 1, 10_000);

      // The sandbox keeps this task's next webhooks, then sends them newest first, 400 ms apart.
      await admin(ingest.sandbox, 'POST', '/salesconnect/webhooks/hold', { taskIds: [task.id] });
      await api.patch(task.id, { name: 'v2' });
      await api.patch(task.id, { name: 'v3' });
      await api.complete(task.id);
      expect(
        await admin(ingest.sandbox, 'POST', '/salesconnect/webhooks/release', { order: 'reverse', intervalMs: 400 }),
      ).toEqual({ released: 3 });
      const other = await api.create({ name: 'another task, meanwhile' });

      // The other task goes at once, while this task's version 4 and 3 wait for version 2 (sent last).
      await waitFor('the other task', async () => versionsOf(connectionId, other.id).length === 1, 5_000);
      expect(versionsOf(connectionId, task.id)).toEqual([1]);
      await waitFor('every change of the task', async () => versionsOf(connectionId, task.id).length === 4, 10_000);
      expect(versionsOf(connectionId, task.id)).toEqual([1, 2, 3, 4]);
      const titles = taskEventsOf(connectionId)
        .filter(({ event }) => event.taskId === task.id)
        .map(({ event }) => [event.fields?.title, event.fields?.open]);
      expect(titles).toEqual([
        ['v1', true],
        ['v2', true],
        ['v3', true],
        ['v3', false],
      ]);
      // Each delivery was answered: two held, then the one that filled the gap published the three.
      expect(
        await ingest.process.metric('salesconnect_changes_total', { source: 'webhook', outcome: 'held' }),
      ).toBeGreaterThanOrEqual(2);
      await sleep(500);
      expect(versionsOf(connectionId, task.id)).toEqual([1, 2, 3, 4]);
    });

    it("webhook order: a change whose predecessor's webhook is late waits the bound (3 s), then the feed fills the gap; the late webhook publishes nothing again", async () => {
      const { user, connectionId, api } = await ingest.syncNewUser('conn-gap');
      const task = await api.create({ name: 'v1' });
      await waitFor('the create', async () => versionsOf(connectionId, task.id).length === 1, 10_000);

      await admin(ingest.sandbox, 'POST', '/salesconnect/webhooks/hold', { taskIds: [task.id] });
      await api.patch(task.id, { name: 'v2' });
      await api.patch(task.id, { name: 'v3' });
      // Version 3's webhook now, version 2's 15 s later; the catch-up's own round is 10 minutes away.
      const released = Date.now();
      await admin(ingest.sandbox, 'POST', '/salesconnect/webhooks/release', { order: 'reverse', intervalMs: 15_000 });
      await waitFor('the gap filled from the feed', async () => versionsOf(connectionId, task.id).length === 3, 12_000);
      const filledMs = Date.now() - released;
      expect(versionsOf(connectionId, task.id)).toEqual([1, 2, 3]);
      expect(filledMs).toBeLessThan(15_000); // before version 2's own webhook was even sent
      console.log(
        `webhook order: a gap filled from the feed ${filledMs} ms after the later change's webhook (SALESCONNECT_ORDER_HOLD_MS 3000)`,
      );

      await waitFor(
        'the late webhook answered',
        async () => (await deliveriesOf(ingest.sandbox, user.id)).every((d) => d.status === 'succeeded'),
        20_000,
      );
      expect(versionsOf(connectionId, task.id)).toEqual([1, 2, 3]);
      await expectExactlyOnce(ingest.sandbox, user.id, connectionId);
    }, 60_000);

    it('refuses a forged or replayed webhook with 401 and a 400 for a signed non-change, counting each; a genuine one is published', async () => {
      const { user, connectionId } = await ingest.syncNewUser('conn-forged');
      const now = Math.floor(Date.now() / 1000);
      const at = new Date().toISOString();
      const task = {
        id: 'sct_forged1',
        ownerId: user.id,
        name: 'Wire the money',
        details: '',
        dueDate: null,
        status: 'Open',
        priority: 'Normal',
        type: 'other',
        contactEmail: null,
        version: 1,
        createdAt: at,
        updatedAt: at,
        completedAt: null,
        createdBy: 'salesconnect-ui',
        lastModifiedBy: 'salesconnect-ui',
      };
      const body = JSON.stringify({
        cursor: 'x',
        sequence: 900_000_000 + Math.floor(Math.random() * 1_000_000),
        type: 'created',
        taskId: task.id,
        tenantId: 'tenant-it',
        userId: user.id,
        occurredAt: at,
        origin: 'salesconnect-ui',
        task,
      });
      const post = (headers: Record<string, string>, text = body) =>
        fetch(ingest.webhookUrl, { method: 'POST', headers, body: text });
      const rejected = (reason: string) => ingest.process.metric('salesconnect_webhook_rejected_total', { reason });
      const before = {
        mismatch: await rejected('signature_mismatch'),
        old: await rejected('timestamp_out_of_tolerance'),
        malformed: await rejected('malformed'),
        invalid: await rejected('invalid_entry'),
      };

      const wrongSecret = await post(signDelivery(body, now, 'not-the-webhook-secret'));
      expect(wrongSecret.status).toBe(401);
      expect(await wrongSecret.json()).toEqual({
        error: 'INVALID_SIGNATURE',
        message: expect.stringContaining('signature_mismatch'),
      });
      expect((await post(signDelivery(body, now - 600))).status).toBe(401);
      expect((await post(signDelivery(body, now), body.replace('Wire the money', 'Wire it all'))).status).toBe(401);
      expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
      const notAChange = JSON.stringify({ hello: 'world' });
      const invalid = await post(signDelivery(notAChange, now), notAChange);
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { error: string }).error).toBe('INVALID_ENTRY');

      expect(await rejected('signature_mismatch')).toBe(before.mismatch + 2);
      expect(await rejected('timestamp_out_of_tolerance')).toBe(before.old + 1);
      expect(await rejected('malformed')).toBe(before.malformed + 1);
      expect(await rejected('invalid_entry')).toBe(before.invalid + 1);
      expect(
        ingest.process.logs.filter((l) => l.msg === 'webhook rejected: signature or timestamp').length,
      ).toBeGreaterThanOrEqual(4);
      await sleep(500);
      expect(taskEventsOf(connectionId)).toEqual([]);

      // The same body, properly signed and on time, is accepted: the refusals were the signature's doing.
      const genuine = await post(signDelivery(body, now));
      expect([genuine.status, await genuine.json()]).toEqual([200, { status: 'published' }]);
      await waitFor('the genuine change', async () => taskEventsOf(connectionId).length === 1, 10_000);
      expect(taskEventsOf(connectionId)[0].event).toMatchObject({
        taskId: 'sct_forged1',
        kind: 'upsert',
        fields: expect.objectContaining({ title: 'Wire the money' }),
      });
      // A redelivery of it is a duplicate, not a second event.
      expect(await (await post(signDelivery(body, now))).json()).toEqual({ status: 'duplicate' });
    });

    it('answers webhooks ahead of Nest with the same security headers, refuses a body over 1 MB with 413, and leaves every other request to Nest', async () => {
      const now = Math.floor(Date.now() / 1000);
      const text = JSON.stringify({ hello: 'world' });
      const answer = await fetch(ingest.webhookUrl, { method: 'POST', headers: signDelivery(text, now), body: text });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-powered-by')).toBeNull();

      const huge = 'x'.repeat(1024 * 1024 + 1);
      const tooLarge = await fetch(ingest.webhookUrl, { method: 'POST', headers: signDelivery(huge, now), body: huge });
      expect(tooLarge.status).toBe(413);
      expect(((await tooLarge.json()) as { error: string }).error).toBe('PAYLOAD_TOO_LARGE');

      // Another method on the webhook's path, and the service's own routes, are Nest's as before.
      const get = await fetch(ingest.webhookUrl);
      expect(get.status).toBe(404);
      expect(get.headers.get('cache-control')).toBe('no-store');
      expect((await fetch(ingest.webhookUrl.replace('/webhooks/salesconnect', '/health/live'))).status).toBe(200);
    });
  });

  describe('catch-up from the change feed (a round every 500 ms)', () => {
    // Webhooks give up fast, so a change made while the ingest is down is the catch-up's alone.
    const ingest = IngestUnderTest.use(kafka, 500, {
      SALESCONNECT_SANDBOX_WEBHOOK_RETRY_BASE_MS: '100',
      SALESCONNECT_SANDBOX_WEBHOOK_MAX_ATTEMPTS: '3',
    });

    afterEach(async () => {
      await admin(ingest.sandbox, 'DELETE', '/faults');
      await admin(ingest.sandbox, 'DELETE', '/clock');
    });

    it('webhook gap: with every webhook dropped the catch-up publishes every change, and with webhooks back each change is still published once', async () => {
      const { user, connectionId, api } = await ingest.syncNewUser('conn-gap');

      await admin(ingest.sandbox, 'POST', '/faults', { shares: { dropWebhook: 1 } });
      const a = await api.create({ name: 'A', dueDate: '2026-12-01' });
      const b = await api.create({ name: 'B' });
      await api.patch(a.id, { details: 'more' });
      await api.complete(b.id);
      await api.delete(a.id);
      await waitFor('five events from the catch-up', async () => taskEventsOf(connectionId).length >= 5);
      expect((await deliveriesOf(ingest.sandbox, user.id)).map((d) => d.status)).toEqual(Array(5).fill('dropped'));
      expect(
        await ingest.process.metric('salesconnect_changes_total', { source: 'feed', outcome: 'published' }),
      ).toBeGreaterThanOrEqual(5);

      // Webhooks and the catch-up both see these: still one event each.
      await admin(ingest.sandbox, 'DELETE', '/faults');
      const c = await api.create({ name: 'C' });
      await api.patch(c.id, { name: 'C2' });
      await api.reopen(b.id);
      await waitFor('eight events', async () => taskEventsOf(connectionId).length >= 8);
      await ingest.waitForTwoRounds();
      await expectExactlyOnce(ingest.sandbox, user.id, connectionId);
    });

    it('a change made while the ingest is down is published after it restarts; the stored cursor means nothing earlier is published again', async () => {
      const { user, connectionId, api } = await ingest.syncNewUser('conn-restart');
      const before = await api.create({ name: 'Before the restart' });
      await waitFor('the first event', async () => taskEventsOf(connectionId).length === 1);
      await ingest.waitForTwoRounds();

      const first = ingest.process;
      expect((await first.stop()).code).toBe(0);
      const whileDown = await api.create({ name: 'While down' });
      await api.complete(before.id);
      await waitFor(
        'the webhooks to give up',
        async () => (await deliveriesOf(ingest.sandbox, user.id)).filter((d) => d.status === 'failed').length === 2,
      );

      const second = await ingest.start();
      await waitFor('the changes made while down', async () => taskEventsOf(connectionId).length >= 3);
      await ingest.waitForTwoRounds();
      await expectExactlyOnce(ingest.sandbox, user.id, connectionId);
      expect(
        taskEventsOf(connectionId)
          .map(({ event }) => `${event.taskId} ${event.fields?.open}`)
          .sort(),
      ).toEqual([`${before.id} true`, `${before.id} false`, `${whileDown.id} true`].sort());
      // The first process started at the feed's end; the second continued from its stored cursor.
      expect(first.logs.some((l) => String(l.msg).startsWith('no stored feed cursor'))).toBe(true);
      expect(second.logs.some((l) => String(l.msg).startsWith('no stored feed cursor'))).toBe(false);
    });

    it('R7: a disabled connection publishes nothing, by webhook or catch-up; re-enabled, new changes flow and the disabled period is not replayed', async () => {
      const { user, connectionId, api } = await ingest.syncNewUser('conn-r7');
      await ingest.setSync(user.id, connectionId, 'disable', kafka.producer);
      const skippedBefore = await ingest.process.metric('salesconnect_changes_total', { outcome: 'skipped' });

      const quiet = await api.create({ name: 'Made while disabled' });
      await api.patch(quiet.id, { details: 'still disabled' });
      await waitFor(
        'both webhooks answered',
        async () => (await deliveriesOf(ingest.sandbox, user.id)).filter((d) => d.status === 'succeeded').length === 2,
      );
      await ingest.waitForTwoRounds();
      expect(taskEventsOf(connectionId)).toEqual([]);
      // Each change skipped and counted: at least once (a webhook and the catch-up handed the same change
      // in one pass count it once, the other as a duplicate), and never published.
      expect(await ingest.process.metric('salesconnect_changes_total', { outcome: 'skipped' })).toBeGreaterThanOrEqual(
        skippedBefore + 2,
      );

      await ingest.setSync(user.id, connectionId, 're-enable', kafka.producer);
      const loud = await api.create({ name: 'Made after the re-enable' });
      await waitFor('the new task’s event', async () => taskEventsOf(connectionId).length === 1);
      await ingest.waitForTwoRounds();
      expect(taskEventsOf(connectionId).map(({ event }) => [event.taskId, event.fields?.title])).toEqual([
        [loud.id, 'Made after the re-enable'],
      ]);
    });

    it('a webhook signed by a clock 10 minutes behind is refused 401 and counted; the catch-up still publishes the change, once', async () => {
      const { user, connectionId } = await ingest.syncNewUser('conn-skew');
      const refusedBefore = await ingest.process.metric('salesconnect_webhook_rejected_total', {
        reason: 'timestamp_out_of_tolerance',
      });
      await admin(ingest.sandbox, 'POST', '/clock', { now: new Date(Date.now() - 10 * 60_000).toISOString() });

      const task = await new SalesConnectUser(ingest.sandbox.url, user.id, user.apiToken).create({ name: 'Skewed' });
      await waitFor('the webhook to be refused three times', async () => {
        const [delivery] = await deliveriesOf(ingest.sandbox, user.id);
        return delivery?.status === 'failed' && delivery.attempts.every((a) => a.statusCode === 401);
      });
      expect(
        await ingest.process.metric('salesconnect_webhook_rejected_total', { reason: 'timestamp_out_of_tolerance' }),
      ).toBeGreaterThanOrEqual(refusedBefore + 3);
      await waitFor('the event from the catch-up', async () => taskEventsOf(connectionId).length === 1);
      expect(taskEventsOf(connectionId)[0].event).toMatchObject({ taskId: task.id, createdAt: task.createdAt });
    });

    it('reports a feed outage once per connection as an error, and the recovery as syncing', async () => {
      const { connectionId } = await ingest.syncNewUser('conn-outage');
      await ingest.waitForTwoRounds();

      await admin(ingest.sandbox, 'POST', '/faults', { shares: { http5xx: 1 } });
      await waitFor('an error report', async () => statusReportsOf(connectionId).length === 1);
      expect(statusReportsOf(connectionId)[0]).toMatchObject({
        state: 'error',
        error: { code: 'FEED_UNAVAILABLE', message: expect.stringContaining('SERVICE_UNAVAILABLE') },
      });
      await waitFor(
        'more failed rounds',
        async () => (await ingest.process.metric('salesconnect_catchup_rounds_total', { outcome: 'failed' })) >= 3,
      );
      expect(statusReportsOf(connectionId)).toHaveLength(1); // not one per round

      await admin(ingest.sandbox, 'DELETE', '/faults');
      await waitFor('the recovery report', async () => statusReportsOf(connectionId).length === 2);
      const recovered = statusReportsOf(connectionId)[1];
      expect(recovered).toMatchObject({ state: 'syncing', lastSyncedAt: expect.any(String) });
      expect(recovered.error).toBeUndefined();
      expect(
        ingest.process.logs.some(
          (l) => l.msg === 'catch-up round failed: the cursor stays where it was' && l['code'] === 'FEED_UNAVAILABLE',
        ),
      ).toBe(true);
    });
  });

  describe('an enable still in connector-settings’ outbox', () => {
    const ingest = IngestUnderTest.use(kafka, 500);

    it('R3 and R6: a Sales Connect change made right after an enable this service has not heard of is never skipped; it crosses once the enable arrives', async () => {
      const user = await createSandboxUser(ingest.sandbox);
      const api = new SalesConnectUser(ingest.sandbox.url, user.id, user.apiToken);
      const connectionId = uniqueId('conn-outbox');
      // The enable is stamped and answered, its event not published yet: the watermark stays before it.
      ingest.holdWatermarkAt(Date.now());
      const task = await api.create({ name: 'Made right after the enable' });
      const awaiting = () => ingest.process.metric('salesconnect_changes_total', { outcome: 'awaiting_settings' });
      // Its webhook and a catch-up round both saw it, and neither skipped it.
      await waitFor('the change awaiting the settings twice', async () => (await awaiting()) >= 2);
      expect(await ingest.process.metric('salesconnect_changes_total', { outcome: 'skipped' })).toBe(0);
      expect(taskEventsOf(connectionId)).toEqual([]);

      await ingest.setSync(user.id, connectionId, 'first-enable', kafka.producer);
      ingest.holdWatermarkAt(null);
      await waitFor('the change published for the new connection', async () => taskEventsOf(connectionId).length === 1);
      expect(taskEventsOf(connectionId)[0].event).toMatchObject({ taskId: task.id, kind: 'upsert' });
    });
  });

  describe('a cursor older than the feed keeps (the sandbox clock moved 8 days on)', () => {
    const ingest = IngestUnderTest.use(kafka, 500);

    it('is reported as FEED_CURSOR_EXPIRED; the catch-up continues from the oldest kept change and reports the recovery', async () => {
      const { connectionId, api } = await ingest.syncNewUser('conn-expired');
      await ingest.waitForTwoRounds();

      expect((await ingest.process.stop()).code).toBe(0);
      await api.create({ name: 'Lost to retention' });
      await admin(ingest.sandbox, 'POST', '/clock', { advanceMs: 8 * 24 * 3600_000 });
      const kept = await api.create({ name: 'Kept' });
      await ingest.start();

      await waitFor('the kept change', async () => taskEventsOf(connectionId).length === 1);
      expect(taskEventsOf(connectionId)[0].event).toMatchObject({ taskId: kept.id, createdAt: kept.createdAt });
      await waitFor('error and recovery reports', async () => statusReportsOf(connectionId).length === 2);
      expect(statusReportsOf(connectionId).map((r) => [r.state, r.error?.code])).toEqual([
        ['error', 'FEED_CURSOR_EXPIRED'],
        ['syncing', undefined],
      ]);
      expect(ingest.process.logs.some((l) => l.level === 'error' && l['code'] === 'FEED_CURSOR_EXPIRED')).toBe(true);
    });
  });
});
