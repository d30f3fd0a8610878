import { request } from 'node:http';
import type { Connection } from 'jsforce';
import { StreamingExtension, type Client as FayeClient } from 'jsforce/lib/api/streaming';
import type { ChangeEventData } from './change-events/change-event';
import { formatSfdcDateTime } from './sfdc-datetime';
import { API_VERSION, startHarness, type Harness } from '../testing/sandbox-harness';
import { setTimeout as sleep } from 'node:timers/promises';

const TASK_CHANNEL = '/data/TaskChangeEvent';
const ALL_CHANNEL = '/data/ChangeEvents';
const ORIGIN = `com/salesforce/api/rest/${API_VERSION}`;

/** jsforce's typings for faye leave out `disconnect()`, which faye's client has. */
type Client = FayeClient & { disconnect(): void };

interface Subscriber {
  client: Client;
  received: ChangeEventData[];
  authFailures: { error?: string; channel?: string }[];
  /** Resolves once `count` events have arrived in all (fails the test after 10 s). */
  waitFor(count: number): Promise<ChangeEventData[]>;
}

/** jsforce's own streaming client, unmodified, with its Replay and AuthFailure extensions. */
function subscribe(
  conn: Connection,
  channel: string,
  replayId: number,
  opened: Client[],
): { subscriber: Subscriber; subscribed: Promise<unknown> } {
  const received: ChangeEventData[] = [];
  const authFailures: Subscriber['authFailures'] = [];
  const client = <Client>(
    conn.streaming.createClient([
      new StreamingExtension.Replay(channel, replayId),
      new StreamingExtension.AuthFailure((message: { error?: string; channel?: string }) => authFailures.push(message)),
    ])
  );
  opened.push(client);
  const subscription = client.subscribe(channel, (data: ChangeEventData) => received.push(data));
  const waitFor = async (count: number): Promise<ChangeEventData[]> => {
    const deadline = Date.now() + 10_000;
    while (received.length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} events, got ${received.length}: ${JSON.stringify(received.map((e) => e.payload.ChangeEventHeader.changeType))}`,
        );
      await sleep(20);
    }
    return received;
  };
  // Faye's subscription is a thenable: it settles on the /meta/subscribe answer.
  const subscribed = new Promise((resolve, reject) => subscription.then(resolve, reject));
  return { subscriber: { client, received, authFailures, waitFor }, subscribed };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A raw Bayeux exchange, to see exactly what the endpoint answers. */
async function bayeux(
  url: string,
  messages: unknown[],
  token: string | null,
  scheme = 'OAuth',
): Promise<{ status: number; body: Record<string, unknown>[] }> {
  const res = await fetch(`${url}/cometd/62.0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `${scheme} ${token}` } : {}) },
    body: JSON.stringify(messages),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>[] };
}

const header = (e: ChangeEventData) => e.payload.ChangeEventHeader;

describe('Change Data Capture over the Streaming API, through jsforce streaming client', () => {
  let h: Harness;
  let orgId: string;
  let rep: Connection;
  let admin: Connection;
  let opened: Client[];

  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    opened = [];
    h.sandbox.reset();
    h.sandbox.clock.reset();
    orgId = h.sandbox.defaults.orgId;
    rep = await h.login(undefined, undefined, { client: 'task-sync' });
    admin = await h.login(h.sandbox.defaults.adminUsername, h.sandbox.defaults.adminPassword);
  });
  afterEach(async () => {
    for (const client of opened) client.disconnect();
    await sleep(50);
  });
  afterAll(() => h.close());

  it('speaks Bayeux long polling as Salesforce: handshake, the first connect, unknown clients, bad tokens, no WebSocket', async () => {
    const token = admin.accessToken as string;
    const shake = await bayeux(
      h.url,
      [{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }],
      token,
      'Bearer',
    );
    expect(shake.body[0]).toMatchObject({
      channel: '/meta/handshake',
      id: '1',
      successful: true,
      version: '1.0',
      supportedConnectionTypes: ['long-polling'],
      ext: { replay: true, 'payload.format': true },
      advice: { reconnect: 'retry', interval: 0, timeout: 110_000 },
    });
    const clientId = shake.body[0].clientId as string;
    expect(clientId).toMatch(/^[0-9a-z]{20,}$/);

    // Subscribe batched with a connect: both answered at once, the connect carrying the advice.
    const batch = await bayeux(
      h.url,
      [
        {
          channel: '/meta/subscribe',
          clientId,
          subscription: TASK_CHANNEL,
          id: '2',
          ext: { replay: { [TASK_CHANNEL]: -1 } },
        },
        { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3', advice: { timeout: 0 } },
      ],
      token,
    );
    expect(batch.body).toEqual([
      { clientId, channel: '/meta/subscribe', id: '2', subscription: TASK_CHANNEL, successful: true },
      {
        clientId,
        channel: '/meta/connect',
        id: '3',
        successful: true,
        advice: { interval: 0, timeout: 110_000, reconnect: 'retry' },
      },
    ]);
    // The next connect is held until a change arrives.
    const held = bayeux(
      h.url,
      [{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '4' }],
      token,
    );
    await sleep(100);
    const created = await rep.sobject('Task').create({ Subject: 'wake up' });
    const woken = await held;
    expect(woken.body.map((m) => m.channel)).toEqual([TASK_CHANNEL, '/meta/connect']);
    expect(woken.body[0]).toMatchObject({
      data: { payload: { ChangeEventHeader: { recordIds: [created.id], changeType: 'CREATE' } } },
    });
    expect(woken.body[1]).toEqual({ clientId, channel: '/meta/connect', id: '4', successful: true });

    const disconnect = await bayeux(h.url, [{ channel: '/meta/disconnect', clientId, id: '5' }], token);
    expect(disconnect.body).toEqual([{ clientId, channel: '/meta/disconnect', id: '5', successful: true }]);
    const unknown = await bayeux(
      h.url,
      [{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '6' }],
      token,
    );
    expect(unknown.body).toEqual([
      {
        channel: '/meta/connect',
        id: '6',
        successful: false,
        error: '403::Unknown client',
        advice: { interval: 0, reconnect: 'handshake' },
      },
    ]);

    const denied = await bayeux(
      h.url,
      [{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '7' }],
      'nope',
    );
    expect(denied.body[0]).toMatchObject({
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      advice: { reconnect: 'none' },
    });
    const anonymous = await bayeux(
      h.url,
      [{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '8' }],
      null,
    );
    expect(anonymous.body[0]).toMatchObject({
      ext: { sfdc: { failureReason: '401::Request requires authentication' } },
    });

    const upgrade = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.url}/cometd/62.0`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(upgrade).toBe(400);
  });

  it('delivers each kind of change made through jsforce with Salesforce headers and bodies', async () => {
    const { subscriber, subscribed } = subscribe(admin, TASK_CHANNEL, -1, opened);
    await subscribed;

    const created = await rep
      .sobject('Task')
      .create({ Subject: 'Call Ann', Description: 'about the renewal', ActivityDate: '2026-11-24' });
    const id = created.id as string;
    await rep.sobject('Task').update({ Id: id, Subject: 'Call Ann back', Description: null, Priority: 'Normal' });
    await rep.sobject('Task').destroy(id);
    await h.admin('POST', `/salesforce/orgs/${orgId}/tasks/${id}/undelete`, {});
    const [createEvent, updateEvent, deleteEvent, undeleteEvent] = await subscriber.waitFor(4);

    const task = (await h.admin<Record<string, unknown>[]>('GET', `/salesforce/orgs/${orgId}/tasks`)).body[0];
    expect(header(createEvent)).toEqual({
      entityName: 'Task',
      recordIds: [id],
      changeType: 'CREATE',
      changeOrigin: `${ORIGIN};client=task-sync`,
      transactionKey: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      sequenceNumber: 1,
      commitTimestamp: expect.any(Number),
      commitNumber: expect.any(Number),
      commitUser: h.sandbox.defaults.userId,
      nulledFields: [],
      diffFields: [],
      changedFields: [],
    });
    expect(createEvent.schema).toEqual(expect.any(String));
    expect(createEvent.event.replayId).toEqual(expect.any(Number));
    // CREATE: every non-null field, system fields included; never Id, IsDeleted or SystemModstamp.
    expect(createEvent.payload).toMatchObject({
      Subject: 'Call Ann',
      Description: 'about the renewal',
      ActivityDate: '2026-11-24',
      Status: 'Not Started',
      Priority: 'Normal',
      OwnerId: h.sandbox.defaults.userId,
      IsClosed: false,
      CreatedById: h.sandbox.defaults.userId,
      CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    for (const absent of ['Id', 'IsDeleted', 'SystemModstamp', 'WhoId', 'SalesConnect_Task_Id__c'])
      expect(createEvent.payload).not.toHaveProperty(absent);

    // UPDATE: only what changed (Priority did not), nulls named, plus LastModifiedDate.
    expect(header(updateEvent)).toMatchObject({
      changeType: 'UPDATE',
      recordIds: [id],
      changedFields: ['Subject', 'Description', 'LastModifiedDate'],
      nulledFields: ['Description'],
    });
    expect(Object.keys(updateEvent.payload).sort()).toEqual([
      'ChangeEventHeader',
      'Description',
      'LastModifiedDate',
      'Subject',
    ]);
    expect(updateEvent.payload).toMatchObject({ Subject: 'Call Ann back', Description: null });

    // DELETE: header only. UNDELETE (from the Recycle Bin, not the API): every non-null field, no origin.
    expect(header(deleteEvent)).toMatchObject({
      changeType: 'DELETE',
      recordIds: [id],
      changeOrigin: `${ORIGIN};client=task-sync`,
    });
    expect(Object.keys(deleteEvent.payload)).toEqual(['ChangeEventHeader']);
    expect(header(undeleteEvent)).toMatchObject({ changeType: 'UNDELETE', recordIds: [id], changeOrigin: '' });
    expect(undeleteEvent.payload).toMatchObject({ Subject: 'Call Ann back', Status: 'Not Started' });
    expect(undeleteEvent.payload).not.toHaveProperty('Description');

    // Commit order, one increasing replay id each; commitTimestamp is the stamp the write committed with.
    const ids = subscriber.received.map((e) => e.event.replayId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(formatSfdcDateTime(header(undeleteEvent).commitTimestamp)).toBe(task.LastModifiedDate);
    expect(subscriber.authFailures).toEqual([]);
  });

  it('upserts and sObject Collections: one transaction per call, merged events for the same change, nothing for a rollback', async () => {
    const { subscriber, subscribed } = subscribe(admin, ALL_CHANNEL, -1, opened);
    await subscribed;
    const plain = await h.login();

    const inserted = await plain
      .sobject('Task')
      .upsert({ SalesConnect_Task_Id__c: 'sc-1', Subject: 'from Sales Connect' }, 'SalesConnect_Task_Id__c');
    await plain
      .sobject('Task')
      .upsert({ SalesConnect_Task_Id__c: 'sc-1', Subject: 'renamed' }, 'SalesConnect_Task_Id__c');
    const pair = await plain.sobject('Task').create([{ Subject: 'one' }, { Subject: 'two' }]);
    const pairIds = pair.map((r) => r.id as string);
    const rolledBack = await plain
      .sobject('Task')
      .create([{ Subject: 'ok' }, { Subject: 'bad', Status: 'Nope' }], { allOrNone: true });
    expect(rolledBack.some((r) => !r.success)).toBe(true);
    await plain.sobject('Task').update(pairIds.map((Id) => ({ Id, Status: 'Completed' })));
    await plain.sobject('Task').destroy(pairIds);
    const events = await subscriber.waitFor(6);
    await sleep(200);
    expect(subscriber.received).toHaveLength(6);

    const [upsertCreate, upsertUpdate, first, second, completed, deleted] = events;
    expect(events.every((e) => header(e).changeOrigin === ORIGIN)).toBe(true);
    expect(header(upsertCreate)).toMatchObject({ changeType: 'CREATE', recordIds: [(inserted as { id: string }).id] });
    expect(upsertCreate.payload).toMatchObject({ SalesConnect_Task_Id__c: 'sc-1' });
    expect(header(upsertUpdate)).toMatchObject({
      changeType: 'UPDATE',
      changedFields: ['Subject', 'LastModifiedDate'],
    });
    // Two creates in one Collections call: one transaction, sequence 1 and 2.
    expect([header(first).recordIds, header(second).recordIds]).toEqual([[pairIds[0]], [pairIds[1]]]);
    expect(header(second).transactionKey).toBe(header(first).transactionKey);
    expect([header(first).sequenceNumber, header(second).sequenceNumber]).toEqual([1, 2]);
    // The same change to both records in one transaction: one merged event naming both.
    expect(header(completed)).toMatchObject({
      changeType: 'UPDATE',
      recordIds: pairIds,
      changedFields: ['Status', 'IsClosed', 'LastModifiedDate'],
    });
    expect(completed.payload).toMatchObject({ Status: 'Completed', IsClosed: true });
    expect(header(deleted)).toMatchObject({ changeType: 'DELETE', recordIds: pairIds, sequenceNumber: 1 });
    expect(header(deleted).transactionKey).not.toBe(header(completed).transactionKey);
  });

  it('replays exactly the events after a stored replay id, and every retained event with -2', async () => {
    const first = subscribe(admin, TASK_CHANNEL, -1, opened);
    await first.subscribed;
    for (const subject of ['a', 'b', 'c', 'd']) await rep.sobject('Task').create({ Subject: subject });
    const seen = await first.subscriber.waitFor(4);
    const stored = seen[1].event.replayId;
    first.subscriber.client.disconnect();

    await rep.sobject('Task').create({ Subject: 'e' });
    const resumed = subscribe(admin, TASK_CHANNEL, stored, opened);
    await resumed.subscribed;
    const later = await resumed.subscriber.waitFor(3);
    await sleep(200);
    expect(later.map((e) => e.payload.Subject)).toEqual(['c', 'd', 'e']);

    const all = subscribe(admin, TASK_CHANNEL, -2, opened);
    await all.subscribed;
    expect((await all.subscriber.waitFor(5)).map((e) => e.payload.Subject)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses a replay id that has left the 72-hour retention window, with Salesforce error', async () => {
    const first = subscribe(admin, TASK_CHANNEL, -1, opened);
    await first.subscribed;
    await rep.sobject('Task').create({ Subject: 'old' });
    const [old] = await first.subscriber.waitFor(1);
    first.subscriber.client.disconnect();

    await h.admin('POST', '/clock', { advanceMs: 72 * 3_600_000 + 1000 });
    // Three days on, the sessions have expired too: log in again, as a client would.
    admin = await h.login(h.sandbox.defaults.adminUsername, h.sandbox.defaults.adminPassword);
    rep = await h.login();
    const stale = subscribe(admin, TASK_CHANNEL, old.event.replayId, opened);
    // Faye cannot parse `{…}` in an error into code and text, so jsforce hands on the whole text.
    await expect(stale.subscribed).rejects.toMatchObject({
      message: `400::The replayId {${old.event.replayId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    });
    // -2 is accepted and the expired event is gone.
    const all = subscribe(admin, TASK_CHANNEL, -2, opened);
    await all.subscribed;
    await rep.sobject('Task').create({ Subject: 'new' });
    expect((await all.subscriber.waitFor(1)).map((e) => e.payload.Subject)).toEqual(['new']);
  });

  it('a dropped client is told 403::Unknown client, re-handshakes and resumes after the last event it got', async () => {
    const { subscriber, subscribed } = subscribe(admin, TASK_CHANNEL, -1, opened);
    await subscribed;
    await rep.sobject('Task').create({ Subject: 'before' });
    await subscriber.waitFor(1);
    const clients = (await h.admin<{ clientId: string }[]>('GET', '/salesforce/streaming/clients')).body;
    expect(clients).toHaveLength(1);
    expect((await h.admin('DELETE', `/salesforce/streaming/clients/${clients[0].clientId}`)).status).toBe(204);
    await rep.sobject('Task').create({ Subject: 'while dropped' });
    const events = await subscriber.waitFor(2);
    await sleep(200);
    expect(events.map((e) => e.payload.Subject)).toEqual(['before', 'while dropped']);
    const now = (await h.admin<{ clientId: string }[]>('GET', '/salesforce/streaming/clients')).body;
    expect(now).toHaveLength(1);
    expect(now[0].clientId).not.toBe(clients[0].clientId);
  });

  it('disconnects subscribers past the org daily event delivery allocation', async () => {
    await h.admin('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { dailyDeliveryAllocation: 3 });
    const { subscriber, subscribed } = subscribe(admin, TASK_CHANNEL, -1, opened);
    await subscribed;
    for (let i = 0; i < 5; i++) await rep.sobject('Task').create({ Subject: `t${i}` });
    await subscriber.waitFor(3);
    // The /meta/connect fails with advice reconnect none, which jsforce's AuthFailure extension reports.
    await until(() => subscriber.authFailures.length > 0, 'the limit error');
    expect(subscriber.authFailures[0]).toMatchObject({
      channel: '/meta/connect',
      error: '403::Organization total events daily limit exceeded',
    });
    expect(subscriber.received).toHaveLength(3);
    const settings = (await h.admin<{ deliveredToday: number }>('GET', `/salesforce/orgs/${orgId}/change-data-capture`))
      .body;
    expect(settings.deliveredToday).toBe(3);
  });

  it('refuses a subscriber without View All Data, and serves it once granted', async () => {
    const refused = subscribe(rep, TASK_CHANNEL, -1, opened);
    await expect(refused.subscribed).rejects.toMatchObject({
      code: 403,
      message: 'User not allowed to subscribe CDC without View All Data permissions',
    });
    await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${h.sandbox.defaults.userId}/permissions`, {
      viewAllData: true,
    });
    const granted = subscribe(rep, TASK_CHANNEL, -1, opened);
    await granted.subscribed;
    await rep.sobject('Task').create({ Subject: 'seen' });
    expect((await granted.subscriber.waitFor(1))[0].payload.Subject).toBe('seen');
  });

  it('with Task switched off in Setup, Task channel does not exist and no events are generated', async () => {
    await h.admin('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { taskSelected: false });
    const refused = subscribe(admin, TASK_CHANNEL, -2, opened);
    await expect(refused.subscribed).rejects.toMatchObject({
      message: `400::The channel you requested to subscribe to does not exist {${TASK_CHANNEL}}`,
    });
    await rep.sobject('Task').create({ Subject: 'unseen' });
    await h.admin('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { taskSelected: true });
    const all = subscribe(admin, TASK_CHANNEL, -2, opened);
    await all.subscribed;
    await rep.sobject('Task').create({ Subject: 'seen' });
    expect((await all.subscriber.waitFor(1)).map((e) => e.payload.Subject)).toEqual(['seen']);
  });

  it('gap and overflow events from the admin API, and admin seeding as a person change', async () => {
    const { subscriber, subscribed } = subscribe(admin, ALL_CHANNEL, -1, opened);
    await subscribed;
    const seeded = (
      await h.admin<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/tasks`, { Subject: 'typed in the UI' })
    ).body;
    await h.admin('POST', `/salesforce/orgs/${orgId}/change-events/gap`, {
      recordIds: [seeded.Id],
      changeType: 'GAP_UPDATE',
    });
    await h.admin('POST', `/salesforce/orgs/${orgId}/change-events/overflow`, {});
    const [create, gap, overflow] = await subscriber.waitFor(3);
    expect(header(create)).toMatchObject({
      changeType: 'CREATE',
      changeOrigin: '',
      commitUser: h.sandbox.defaults.userId,
      recordIds: [seeded.Id],
    });
    expect(header(gap)).toMatchObject({
      changeType: 'GAP_UPDATE',
      recordIds: [seeded.Id],
      sequenceNumber: 1,
      changedFields: [],
    });
    expect(Object.keys(gap.payload)).toEqual(['ChangeEventHeader']);
    expect(header(overflow)).toMatchObject({ changeType: 'GAP_OVERFLOW', entityName: 'Task', recordIds: [] });
  });

  it('an invalid or revoked token fires jsforce AuthFailure extension', async () => {
    const { subscriber, subscribed } = subscribe(admin, TASK_CHANNEL, -1, opened);
    await subscribed;
    await h.admin('POST', '/salesforce/sessions/expire');
    // The next connect is validated: 401::Authentication invalid with reconnect none.
    await h.admin('POST', `/salesforce/orgs/${orgId}/tasks`, { Subject: 'wakes the held connect' });
    await until(() => subscriber.authFailures.length > 0, 'AuthFailure');
    expect(subscriber.authFailures[0]).toMatchObject({
      channel: '/meta/connect',
      error: '401::Authentication invalid',
      advice: { reconnect: 'none' },
    });

    const bad = await h.login(h.sandbox.defaults.adminUsername, h.sandbox.defaults.adminPassword);
    bad.accessToken = 'not-a-token';
    const denied = subscribe(bad, TASK_CHANNEL, -1, opened);
    await until(() => denied.subscriber.authFailures.length > 0, 'AuthFailure on handshake');
    expect(denied.subscriber.authFailures[0]).toMatchObject({
      channel: '/meta/handshake',
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
    });
  });
});
