import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Consumer } from 'kafkajs';
import {
  CONNECTION_STATUS_CHANGED,
  ConnectionStatusChanged,
  encodeEvent,
  KAFKA_TOPICS,
  TaskSyncSettingChanged,
} from '@task-sync/contracts';
import { createDatabase, ServiceProcess, signUserToken, waitFor, withPg } from '@task-sync/testing-stack';
import { kafkaClient, startGroupAtLogEnd, statusChanged, testEnv, uniqueId, useKafkaClients } from './support/stack';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'int-spec-secret-int-spec-secret-int-spec-0000';

const sign = (sub: string, tenant: string, options: { exp?: number; key?: string } = {}) =>
  signUserToken({
    sub,
    tenant,
    secret: SECRET,
    exp: options.exp ?? Math.floor(Date.now() / 1000) + 600,
    key: options.key,
  });

describe('connector-settings API (real process, PostgreSQL and Kafka)', () => {
  const kafka = useKafkaClients();
  let service: ServiceProcess;
  let databaseUrl: string;
  const tenant = uniqueId('tenant');
  const ids = { alice: '', aliceOtherTenant: '', bob: '' };
  const tokens = { alice: '', bob: '' };
  const events: TaskSyncSettingChanged[] = [];
  let consumer: Consumer;

  async function insertConnection(tenantId: string, userId: string, timeZone: string): Promise<string> {
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(
        `INSERT INTO connector_settings.connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url)
         VALUES ($1, $2, $3, $4, $5, $6, 'http://127.0.0.1:8610') RETURNING id`,
        [
          tenantId,
          userId,
          timeZone,
          `00D${randomUUID().slice(0, 12)}`,
          `005${randomUUID().slice(0, 12)}`,
          `${userId}@sandbox.test`,
        ],
      ),
    );
    return rows[0].id;
  }

  const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${service.url}${path}`, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });

  beforeAll(async () => {
    databaseUrl = await createDatabase(testEnv.newDatabaseName('settings_api'));
    const statusGroup = uniqueId('connector-settings');
    await startGroupAtLogEnd(kafka.admin, statusGroup, KAFKA_TOPICS.connectionStatus);
    service = await ServiceProcess.start('connector-settings', {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: SECRET,
      OUTBOX_POLL_INTERVAL_MS: '50',
      KAFKA_CONSUMER_GROUP: statusGroup,
      // This suite sends hundreds of bad tokens on purpose; the limit itself is http-security's subject.
      AUTH_FAILURE_LIMIT_PER_ADDRESS: '100000',
    });
    ids.alice = await insertConnection(tenant, 'alice', 'Pacific/Auckland');
    ids.bob = await insertConnection(tenant, 'bob', 'America/Los_Angeles');
    ids.aliceOtherTenant = await insertConnection(uniqueId('other-tenant'), 'alice', 'UTC');
    tokens.alice = await sign('alice', tenant);
    tokens.bob = await sign('bob', tenant);
    const groupId = uniqueId('settings-reader');
    await startGroupAtLogEnd(kafka.admin, groupId, KAFKA_TOPICS.settingsChanges);
    consumer = kafkaClient().consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: KAFKA_TOPICS.settingsChanges });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value?.toString() ?? '{}') as TaskSyncSettingChanged;
        if (event.tenantId === tenant) events.push(event);
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await service?.stop();
  });

  it("a user sees only their own connections; anyone else's id answers 404", async () => {
    const list = (await (await api('/v1/connections', tokens.alice)).json()) as {
      items: { id: string; timeZone: string }[];
    };
    expect(list.items.map((c) => c.id)).toEqual([ids.alice]);
    expect(list.items[0].timeZone).toBe('Pacific/Auckland');
    for (const id of [ids.bob, ids.aliceOtherTenant, 'not-a-uuid', randomUUID()]) {
      const res = await api(`/v1/connections/${id}`, tokens.alice);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'NOT_FOUND', message: 'no such connection' });
    }
    const put = await api(`/v1/connections/${ids.alice}/task-sync`, tokens.bob, {
      method: 'PUT',
      body: JSON.stringify({ enabled: true }),
    });
    expect(put.status).toBe(404);
  });

  it('R1: saving "Sync tasks" takes effect at once and publishes first enable, disable and re-enable through the outbox', async () => {
    const save = async (enabled: boolean) => {
      const res = await api(`/v1/connections/${ids.alice}/task-sync`, tokens.alice, {
        method: 'PUT',
        body: JSON.stringify({ enabled }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { enabled: boolean; firstEnabledAt: string | null; change: string | null };
    };
    const first = await save(true);
    expect(first).toMatchObject({ enabled: true, change: 'first-enable' });
    expect(await save(true)).toMatchObject({ enabled: true, change: null }); // saving twice publishes once
    expect(await save(false)).toMatchObject({
      enabled: false,
      change: 'disable',
      firstEnabledAt: first.firstEnabledAt,
    });
    expect(await save(true)).toMatchObject({
      enabled: true,
      change: 're-enable',
      firstEnabledAt: first.firstEnabledAt,
    });

    const published = await waitFor('three setting events', async () => (events.length >= 3 ? events : undefined));
    expect(published.map((e) => [e.kind, e.enabled, e.connectionId, e.timeZone, e.userId])).toEqual([
      ['first-enable', true, ids.alice, 'Pacific/Auckland', 'alice'],
      ['disable', false, ids.alice, 'Pacific/Auckland', 'alice'],
      ['re-enable', true, ids.alice, 'Pacific/Auckland', 'alice'],
    ]);
    expect(published[0].changedAt).toBe(first.firstEnabledAt);
    const history = await withPg(databaseUrl, (c) =>
      c.query(`SELECT kind FROM connector_settings.task_sync_change WHERE connection_id = $1 ORDER BY changed_at`, [
        ids.alice,
      ]),
    );
    expect(history.rows.map((r) => r.kind)).toEqual(['first-enable', 'disable', 're-enable']);
    await sleep(500);
    expect(events).toHaveLength(3);
  });

  it('bad input of any kind gets a 4xx with a clear message, never a 5xx (a few hundred generated requests)', async () => {
    const expired = await sign('alice', tenant, { exp: Math.floor(Date.now() / 1000) - 60 });
    const forged = await sign('alice', tenant, { key: 'not-the-secret-not-the-secret-not-the-00' });
    const path = `/v1/connections/${ids.bob}/task-sync`; // bob's own connection
    const requestArb = fc.oneof(
      // Any JSON body that is not exactly { enabled: boolean }.
      fc
        .jsonValue()
        .filter(
          (v) =>
            !(
              typeof v === 'object' &&
              v !== null &&
              !Array.isArray(v) &&
              Object.keys(v).join() === 'enabled' &&
              typeof (v as { enabled: unknown }).enabled === 'boolean'
            ),
        )
        .map((v) => ({ token: tokens.bob, body: JSON.stringify(v), path })),
      // Text that is not JSON at all.
      fc
        .string({ minLength: 1 })
        .filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        })
        .map((s) => ({ token: tokens.bob, body: s, path })),
      // Wrong types and unknown fields.
      fc
        .constantFrom('"yes"', '1', 'null', '[]', '{}')
        .map((v) => ({ token: tokens.bob, body: `{"enabled": ${v}}`, path })),
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter((k) => k !== 'enabled')
        .map((k) => ({ token: tokens.bob, body: JSON.stringify({ enabled: true, [k]: 1 }), path })),
      // Missing, bad and expired tokens.
      fc
        .constantFrom(undefined, 'garbage', expired, forged, `${tokens.bob}x`)
        .map((token) => ({ token, body: '{"enabled": true}', path })),
      // Ids that are not the caller's or not ids.
      fc
        .oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent))
        .map((id) => ({ token: tokens.bob, body: '{"enabled": true}', path: `/v1/connections/${id}/task-sync` })),
    );
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        sent++;
        const res = await api(req.path, req.token, { method: 'PUT', body: req.body });
        const text = await res.text();
        expect({ status: res.status, text }).toEqual({ status: expect.any(Number), text: expect.any(String) });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const body = JSON.parse(text) as { error: unknown; message: unknown };
        expect(typeof body.error).toBe('string');
        expect(typeof body.message).toBe('string');
      }),
      { numRuns: 400 },
    );
    expect(sent).toBeGreaterThanOrEqual(400);
  });

  it('names the bad fields, refuses an oversized body with 413, and answers 401 with the reason', async () => {
    const wrong = await api(`/v1/connections/${ids.bob}/task-sync`, tokens.bob, {
      method: 'PUT',
      body: '{"enabled":"yes","extra":1}',
    });
    expect(wrong.status).toBe(400);
    const body = (await wrong.json()) as { error: string; fields: { field: string }[] };
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.fields.map((f) => f.field).sort()).toEqual(['(body)', 'enabled']);

    const big = await api(`/v1/connections/${ids.bob}/task-sync`, tokens.bob, {
      method: 'PUT',
      body: JSON.stringify({ enabled: true, pad: 'x'.repeat(100_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'BODY_TOO_LARGE' });

    const malformed = await api(`/v1/connections/${ids.bob}/task-sync`, tokens.bob, {
      method: 'PUT',
      body: '{"enabled": tru',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'MALFORMED_JSON' });

    const expired = await api('/v1/connections', await sign('bob', tenant, { exp: Math.floor(Date.now() / 1000) - 5 }));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: 'TOKEN_EXPIRED', message: 'the token has expired' });
    expect((await api('/v1/connections', undefined)).status).toBe(401);
    // Nothing the suite sent changed bob's setting.
    expect(await (await api(`/v1/connections/${ids.bob}/task-sync`, tokens.bob)).json()).toEqual({
      enabled: false,
      firstEnabledAt: null,
    });
  });

  it('shows the status the other services report: state, import progress, errors by reason, API usage', async () => {
    const report = (at: string, fields: Partial<ConnectionStatusChanged>) =>
      statusChanged(ids.alice, { occurredAt: at, ...fields });
    const reports = [
      // First, on the same partition: a report naming no connection id of ours must not hold the rest up.
      report('2026-11-24T09:30:00.000Z', { connectionId: 'conn-not-a-uuid', state: 'error' }),
      report('2026-11-24T10:00:00.000Z', {
        state: 'importing',
        import: { enableAt: '2026-11-24T09:59:00.000Z', found: 120, imported: 40, failed: 0, done: false },
      }),
      report('2026-11-24T10:01:00.000Z', {
        state: 'importing',
        import: { enableAt: '2026-11-24T09:59:00.000Z', found: 120, imported: 119, failed: 1, done: true },
        error: { code: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' },
      }),
      report('2026-11-24T10:02:00.000Z', {
        state: 'syncing',
        lastSyncedAt: '2026-11-24T10:02:00.000Z',
        apiUsage: { used: 35, limit: 15000 },
        error: { code: 'UNABLE_TO_LOCK_ROW', message: 'again' },
      }),
      // Older than what was applied: it must not bring the state back.
      report('2026-11-24T09:00:00.000Z', {
        state: 'error',
        error: { code: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
      }),
    ];
    await kafka.producer.send({
      topic: KAFKA_TOPICS.connectionStatus,
      messages: reports.map((r) => ({
        key: ids.alice,
        value: encodeEvent(CONNECTION_STATUS_CHANGED, r),
        headers: { 'event-id': r.eventId },
      })),
    });
    const status = await waitFor('the four reports', async () => {
      const body = (await (await api(`/v1/connections/${ids.alice}/status`, tokens.alice)).json()) as {
        state: string;
        recentErrors: { code: string; count: number }[];
      };
      return body.recentErrors.length === 2 ? body : undefined;
    });
    expect(status).toEqual({
      state: 'syncing',
      // No preflight has run for this connection (it was inserted, not connected): nothing to set up.
      setup: null,
      import: { enableAt: '2026-11-24T09:59:00.000Z', found: 120, imported: 119, failed: 1, done: true },
      lastSyncedAt: '2026-11-24T10:02:00.000Z',
      apiUsage: { used: 35, limit: 15000 },
      // No service has reported a call in the org, nor its limit: nothing allocated yet.
      apiAllocation: { used: 0, allocated: null },
      recentErrors: [
        { code: 'UNABLE_TO_LOCK_ROW', count: 2, lastMessage: 'again', lastAt: '2026-11-24T10:02:00.000Z' },
        {
          code: 'INVALID_SESSION_ID',
          count: 1,
          lastMessage: 'Session expired or invalid',
          lastAt: '2026-11-24T09:00:00.000Z',
        },
      ],
      // The org has no reader: the rep's own session polls.
      readMode: { mode: 'per-rep-polling', reason: expect.stringContaining('no org reader') },
      // Sync is on: no delete window is running out (R5).
      deleteWindow: null,
    });
    expect((await api(`/v1/connections/${ids.alice}/status`, tokens.bob)).status).toBe(404);
    expect(await (await api(`/v1/connections/${ids.bob}/status`, tokens.bob)).json()).toMatchObject({
      state: 'idle',
      import: null,
    });
  });

  it('describes itself with OpenAPI at /docs, generated from the validating schemas', async () => {
    const doc = (await (await fetch(`${service.url}/docs/openapi.json`)).json()) as {
      paths: Record<
        string,
        {
          put?: {
            requestBody: {
              content: { 'application/json': { schema: { required: string[]; additionalProperties: boolean } } };
            };
          };
        }
      >;
    };
    const schema = doc.paths['/v1/connections/{id}/task-sync'].put?.requestBody.content['application/json'].schema;
    expect(schema).toMatchObject({ required: ['enabled'], additionalProperties: false });
    // Issue 22: the connect call's optional start-over confirmation.
    const connect = (
      doc.paths['/v1/salesforce/connect'] as {
        post?: { requestBody: { required: boolean; content: { 'application/json': { schema: unknown } } } };
      }
    ).post?.requestBody;
    expect(connect).toMatchObject({
      required: false,
      content: {
        'application/json': { schema: { properties: { startOver: { type: 'boolean' } }, additionalProperties: false } },
      },
    });
    expect((await fetch(`${service.url}/docs`)).status).toBe(200);
  });
});
