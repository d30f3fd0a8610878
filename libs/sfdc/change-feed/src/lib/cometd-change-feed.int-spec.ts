import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import {
  ConnectorSettingsSessionClient,
  SalesforceSessionHandle,
  type SalesforceSession,
} from '@task-sync/sfdc-client';
import { ServiceProcess } from '@task-sync/testing-stack';
import { ChangeFeedError, ChangeFeedErrorCode, type ChangeFeedFailure } from './change-feed.error';
import type { ChangeFeedSubscription, ReplayFrom, TaskChangeEvent } from './change-feed.port';
import { CometdChangeFeed, type CometdChangeFeedOptions } from './cometd-change-feed';

const API_VERSION = '62.0';
const CLIENT = { client_id: 'sandbox-client', client_secret: 'sandbox-secret' };

interface Sandbox {
  process: ServiceProcess;
  url: string;
  orgId: string;
  adminUsername: string;
  username: string;
}

/** The built sandbox as a process (int-test depends on its build), on a free port; its defaults from the line it prints. */
async function startSandbox(): Promise<Sandbox> {
  const process = await ServiceProcess.start('salesforce-sandbox', {});
  const listening = await process.waitForLog((l) => l.msg === 'salesforce sandbox listening');
  return {
    process,
    url: process.url,
    orgId: String(listening['orgId']),
    adminUsername: String(listening['adminUsername']),
    username: String(listening['username']),
  };
}

async function stopSandbox(sandbox: Sandbox): Promise<void> {
  await sandbox.process.stop();
}

async function admin<T = unknown>(sandbox: Sandbox, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/__admin${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * connector-settings' internal session route, standing in over real HTTP: each answer is a new
 * password-grant session of `username`, and `refuse` makes it answer as for a revoked grant.
 */
class ConnectorSettingsStandIn {
  readonly requests: { rejectedAccessToken?: string }[] = [];
  username = '';
  refuse = false;
  /** Runs before a renewal is answered (the caller waits): what happens while a 401 is being dealt with. */
  beforeRenewal: (() => Promise<void>) | null = null;
  private server?: Server;
  url = '';

  constructor(private readonly sandbox: () => Sandbox) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const asked = JSON.parse(body || '{}') as { rejectedAccessToken?: string };
        this.requests.push(asked);
        const answer = async (): Promise<[number, object]> => {
          if (asked.rejectedAccessToken && this.beforeRenewal) await this.beforeRenewal();
          if (this.refuse)
            return [409, { error: 'SALESFORCE_REAUTHORIZATION_REQUIRED', message: 'connect Salesforce again' }];
          return [200, await this.grant()];
        };
        answer().then(
          ([status, json]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)),
          (e: Error) =>
            res
              .writeHead(502, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: 'SALESFORCE_UNAVAILABLE', message: e.message })),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async grant(): Promise<SalesforceSession> {
    const sandbox = this.sandbox();
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: this.username, password: 'sandbox', ...CLIENT }),
    });
    const token = (await res.json()) as { access_token: string; instance_url: string; id: string };
    const [orgId, userId] = token.id.split('/').slice(-2);
    return {
      connectionId: 'int-spec',
      orgId,
      userId,
      instanceUrl: token.instance_url,
      accessToken: token.access_token,
    };
  }
}

/** What a caller of the port does: keeps each batch, and stores the last replay id once the batch is handled. */
class RecordingHandler {
  readonly batches: TaskChangeEvent[][] = [];
  readonly failures: ChangeFeedFailure[] = [];
  stored: number | null = null;
  failNext: Error | null = null;

  async onEvents(batch: TaskChangeEvent[]): Promise<void> {
    this.batches.push(batch);
    await new Promise((r) => setTimeout(r, 5));
    if (this.failNext) {
      const failure = this.failNext;
      this.failNext = null;
      throw failure;
    }
    this.stored = batch[batch.length - 1].replayId;
  }

  onFailure(failure: ChangeFeedFailure): void {
    this.failures.push(failure);
  }

  get events(): TaskChangeEvent[] {
    return this.batches.flat();
  }

  subjects(): unknown[] {
    return this.events.map((e) => e.fields.Subject);
  }

  waitForEvents(count: number): Promise<TaskChangeEvent[]> {
    return until(
      () => this.events.length >= count,
      () => `${count} events, got ${JSON.stringify(this.events.map((e) => [e.changeType, e.fields.Subject]))}`,
    ).then(() => this.events);
  }

  waitForFailure(): Promise<ChangeFeedFailure> {
    return until(
      () => this.failures.length > 0,
      () => 'a failure',
    ).then(() => this.failures[0]);
  }
}

async function until(check: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<ChangeFeedError> {
  try {
    await promise;
  } catch (e) {
    return e as ChangeFeedError;
  }
  throw new Error('expected the subscription to be refused');
}

describe('CometdChangeFeed against the Salesforce sandbox, through jsforce streaming client', () => {
  let sandbox: Sandbox;
  const connector = new ConnectorSettingsStandIn(() => sandbox);
  let rep: Connection;
  let open: ChangeFeedSubscription[];
  let feeds: CometdChangeFeed[];

  /** A rep writing through REST, marked as the sync's writes (`Sforce-Call-Options: client=task-sync`). */
  async function loginRep(): Promise<Connection> {
    const conn = new Connection({
      loginUrl: sandbox.url,
      version: API_VERSION,
      oauth2: { loginUrl: sandbox.url, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret },
      callOptions: { client: 'task-sync' },
    });
    await conn.login(sandbox.username, 'sandbox');
    return conn;
  }

  /** What sfdc-ingest will hold for the org's reader: a session handle on connector-settings. */
  const sessionHandle = () =>
    new SalesforceSessionHandle(
      'int-spec',
      new ConnectorSettingsSessionClient(connector.url, 'int-spec-service-token'),
      { apiVersion: API_VERSION },
    );

  function feed(options: Partial<CometdChangeFeedOptions> = {}): CometdChangeFeed {
    const created = new CometdChangeFeed({ sessions: sessionHandle(), apiVersion: API_VERSION, ...options });
    feeds.push(created);
    return created;
  }

  async function subscribe(
    from: ReplayFrom,
    handler: RecordingHandler,
    options: Partial<CometdChangeFeedOptions> = {},
  ): Promise<ChangeFeedSubscription> {
    const subscription = await feed(options).subscribe(from, handler);
    open.push(subscription);
    return subscription;
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    await connector.start();
  });
  beforeEach(async () => {
    await admin(sandbox, 'POST', '/reset');
    await admin(sandbox, 'DELETE', '/clock');
    connector.username = sandbox.adminUsername;
    connector.refuse = false;
    connector.beforeRenewal = null;
    connector.requests.length = 0;
    open = [];
    feeds = [];
    rep = await loginRep();
  });
  afterEach(async () => {
    await Promise.all(open.map((s) => s.close()));
    await Promise.all(feeds.map((f) => f.close()));
  });
  afterAll(async () => {
    await connector.stop();
    await stopSandbox(sandbox);
  });

  it("subscribes with 'new' and hands over creates, updates and deletes in order, with the origin client parsed", async () => {
    const handler = new RecordingHandler();
    await subscribe('new', handler);
    const { id } = await rep.sobject('Task').create({ Subject: 'Call Ann', ActivityDate: '2026-11-24' });
    await rep.sobject('Task').update({ Id: id as string, Subject: 'Call Ann back', Description: null });
    await rep.sobject('Task').destroy(id as string);
    await admin(sandbox, 'POST', `/salesforce/orgs/${sandbox.orgId}/change-events/gap`, {
      recordIds: [id],
      changeType: 'GAP_UPDATE',
    });
    const [created, updated, deleted, gap] = await handler.waitForEvents(4);

    const repUserId = (await rep.identity()).user_id;
    expect(created).toMatchObject({
      changeType: 'CREATE',
      recordIds: [id],
      originClient: 'task-sync',
      commitUser: repUserId,
      ownerId: repUserId,
      fields: { Subject: 'Call Ann', ActivityDate: '2026-11-24' },
    });
    expect(created.changeOrigin).toBe(`com/salesforce/api/rest/${API_VERSION};client=task-sync`);
    expect(updated).toMatchObject({
      changeType: 'UPDATE',
      recordIds: [id],
      originClient: 'task-sync',
      ownerId: null,
      changedFields: ['Subject', 'LastModifiedDate'],
      fields: { Subject: 'Call Ann back' },
    });
    expect(deleted).toMatchObject({
      changeType: 'DELETE',
      recordIds: [id],
      originClient: 'task-sync',
      ownerId: null,
      fields: {},
    });
    expect(gap).toMatchObject({ changeType: 'GAP_UPDATE', recordIds: [id], originClient: null, fields: {} });
    const replayIds = handler.events.map((e) => e.replayId);
    expect([...replayIds].sort((a, b) => a - b)).toEqual(replayIds);
    expect(handler.failures).toEqual([]);
  });

  it('hands a burst over in batches, one at a time, every event once and in order', async () => {
    const handler = new RecordingHandler();
    let running = 0;
    let overlapped = false;
    const record = handler.onEvents.bind(handler);
    handler.onEvents = async (batch) => {
      overlapped ||= ++running > 1;
      await new Promise((r) => setTimeout(r, 50));
      await record(batch);
      running--;
    };
    await subscribe('new', handler);
    const subjects = Array.from({ length: 40 }, (_, i) => `t${i}`);
    for (const Subject of subjects) await rep.sobject('Task').create({ Subject });
    await handler.waitForEvents(40);
    expect(handler.subjects()).toEqual(subjects);
    expect(handler.batches.length).toBeLessThan(40);
    expect(overlapped).toBe(false);
  });

  it('resubscribing after a stored replay id gets only the later events; retained gets them all', async () => {
    const first = new RecordingHandler();
    const subscription = await subscribe('new', first);
    for (const Subject of ['a', 'b', 'c', 'd']) await rep.sobject('Task').create({ Subject });
    const seen = await first.waitForEvents(4);
    await subscription.close();
    const stored = seen[1].replayId;

    await rep.sobject('Task').create({ Subject: 'e' });
    const resumed = new RecordingHandler();
    await subscribe({ afterReplayId: stored }, resumed);
    await resumed.waitForEvents(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.subjects()).toEqual(['c', 'd', 'e']);

    const all = new RecordingHandler();
    await subscribe('retained', all);
    await all.waitForEvents(5);
    expect(all.subjects()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('close() disconnects cleanly: the org has no streaming client left and nothing more is handed over', async () => {
    const handler = new RecordingHandler();
    const subscription = await subscribe('new', handler);
    expect(await admin<unknown[]>(sandbox, 'GET', '/salesforce/streaming/clients')).toHaveLength(1);
    await subscription.close();
    expect(await admin<unknown[]>(sandbox, 'GET', '/salesforce/streaming/clients')).toEqual([]);
    await rep.sobject('Task').create({ Subject: 'after close' });
    await new Promise((r) => setTimeout(r, 300));
    expect(handler.events).toEqual([]);
    expect(handler.failures).toEqual([]);
  });

  it('an expired access token: a fresh session, a new client, and the stream resumes without loss or repeats', async () => {
    const handler = new RecordingHandler();
    await subscribe('new', handler);
    await rep.sobject('Task').create({ Subject: 'before' });
    await handler.waitForEvents(1);
    const firstToken = connector.requests.length;

    await admin(sandbox, 'POST', '/salesforce/sessions/expire');
    rep = await loginRep();
    // The waiting connect was let in before the expiry: it delivers this one; the next connect is refused 401.
    await rep.sobject('Task').create({ Subject: 'wakes the waiting connect' });
    // Written while the new session is on its way: between the old client and the new one.
    connector.beforeRenewal = async () => {
      connector.beforeRenewal = null;
      for (const Subject of ['during renewal 1', 'during renewal 2']) await rep.sobject('Task').create({ Subject });
    };
    await until(
      () => connector.requests.length > firstToken,
      () => 'a renewal',
    );
    await handler.waitForEvents(4);
    await rep.sobject('Task').create({ Subject: 'after' });
    await handler.waitForEvents(5);
    await new Promise((r) => setTimeout(r, 200));

    expect(handler.subjects()).toEqual([
      'before',
      'wakes the waiting connect',
      'during renewal 1',
      'during renewal 2',
      'after',
    ]);
    expect(connector.requests.slice(firstToken)).toEqual([{ rejectedAccessToken: expect.any(String) }]);
    expect(handler.failures).toEqual([]);
    // One client: the refused one is gone.
    expect(await admin<unknown[]>(sandbox, 'GET', '/salesforce/streaming/clients')).toHaveLength(1);
  });

  it('a session connector-settings cannot renew (grant revoked) is AUTH_FAILED', async () => {
    const handler = new RecordingHandler();
    await subscribe('new', handler);
    connector.refuse = true;
    await admin(sandbox, 'POST', '/salesforce/sessions/expire');
    // Wakes a connect let in before the expiry, if one waits; the next one is refused 401.
    await admin(sandbox, 'POST', `/salesforce/orgs/${sandbox.orgId}/tasks`, { Subject: 'wakes the waiting connect' });
    const failure = await handler.waitForFailure();
    expect(failure).toMatchObject({ code: ChangeFeedErrorCode.AuthFailed, handling: 'pause' });
    expect(failure.message).toMatch(/REAUTHORIZATION_REQUIRED/);
    expect(connector.requests.filter((r) => r.rejectedAccessToken)).toHaveLength(1);
    expect(await admin<unknown[]>(sandbox, 'GET', '/salesforce/streaming/clients')).toEqual([]);
  });

  it('Task de-selected for Change Data Capture: the subscription is refused with CDC_NOT_ENABLED', async () => {
    await admin(sandbox, 'PUT', `/salesforce/orgs/${sandbox.orgId}/change-data-capture`, { taskSelected: false });
    const handler = new RecordingHandler();
    const failure = await rejectionOf(feed().subscribe('new', handler));
    expect(failure).toBeInstanceOf(ChangeFeedError);
    expect(failure).toMatchObject({ code: ChangeFeedErrorCode.CdcNotEnabled, handling: 'pause' });
    expect(failure.message).toMatch(/does not exist \{\/data\/TaskChangeEvent\}/);
    expect(handler.failures).toEqual([]);
    expect(await admin<unknown[]>(sandbox, 'GET', '/salesforce/streaming/clients')).toEqual([]);
  });

  it('a subscriber without View All Data is refused with NOT_PERMITTED', async () => {
    connector.username = sandbox.username;
    const failure = await rejectionOf(feed().subscribe('new', new RecordingHandler()));
    expect(failure).toMatchObject({ code: ChangeFeedErrorCode.NotPermitted, handling: 'pause' });
  });

  it('a replay id past the 72-hour retention is REPLAY_ID_UNAVAILABLE (after the expired session was renewed)', async () => {
    const handler = new RecordingHandler();
    const sessions = sessionHandle();
    const subscription = await subscribe('new', handler, { sessions });
    await rep.sobject('Task').create({ Subject: 'old' });
    const [old] = await handler.waitForEvents(1);
    await subscription.close();

    await admin(sandbox, 'POST', '/clock', { advanceMs: 72 * 3_600_000 + 1000 });
    const failure = await rejectionOf(
      feed({ sessions }).subscribe({ afterReplayId: old.replayId }, new RecordingHandler()),
    );
    expect(failure).toMatchObject({ code: ChangeFeedErrorCode.ReplayIdUnavailable, handling: 'resync' });
    expect(failure.message).toContain(`The replayId {${old.replayId}} you provided was invalid`);
    // Three days on, the session the handle kept had expired too: the handshake's 401 was renewed first.
    expect(connector.requests.filter((r) => r.rejectedAccessToken)).toHaveLength(1);
  });

  it("the org's daily event limit: the events allowed are handed over, then EVENT_LIMIT_EXCEEDED", async () => {
    await admin(sandbox, 'PUT', `/salesforce/orgs/${sandbox.orgId}/change-data-capture`, {
      dailyDeliveryAllocation: 3,
    });
    const handler = new RecordingHandler();
    await subscribe('new', handler);
    for (let i = 0; i < 5; i++) await rep.sobject('Task').create({ Subject: `t${i}` });
    const failure = await handler.waitForFailure();
    expect(failure).toMatchObject({ code: ChangeFeedErrorCode.EventLimitExceeded, handling: 'pause' });
    expect(failure.message).toContain('403::Organization total events daily limit exceeded');
    expect(handler.subjects()).toEqual(['t0', 't1', 't2']);
    expect(handler.stored).toBe(handler.events[2].replayId);
  });

  it('a failed onEvents stops the subscription with HANDLER_FAILED; resubscribing from the stored id gets that batch again', async () => {
    const handler = new RecordingHandler();
    await subscribe('new', handler);
    await rep.sobject('Task').create({ Subject: 'kept' });
    await handler.waitForEvents(1);
    // Only once 'kept' is handled (stored): set while its onEvents still ran, the failure would hit it instead.
    await until(
      () => handler.stored !== null,
      () => "'kept' stored",
    );
    handler.failNext = new Error('Kafka did not acknowledge');
    await rep.sobject('Task').create({ Subject: 'refused' });
    const failure = await handler.waitForFailure();
    expect(failure).toMatchObject({ code: ChangeFeedErrorCode.HandlerFailed, handling: 'retry-later' });
    await rep.sobject('Task').create({ Subject: 'later' });
    await new Promise((r) => setTimeout(r, 200));
    expect(handler.subjects()).toEqual(['kept', 'refused']);
    expect(await admin<unknown[]>(sandbox, 'GET', '/salesforce/streaming/clients')).toEqual([]);

    const again = new RecordingHandler();
    await subscribe({ afterReplayId: handler.stored as number }, again);
    await again.waitForEvents(2);
    expect(again.subjects()).toEqual(['refused', 'later']);
  });
});

describe('CometdChangeFeed when the Streaming API cannot be reached', () => {
  it('reports TRANSPORT once the client has retried past the bound, and closes without hanging', async () => {
    const sandbox = await startSandbox();
    const connector = new ConnectorSettingsStandIn(() => sandbox);
    await connector.start();
    connector.username = sandbox.adminUsername;
    try {
      const sessions = new SalesforceSessionHandle(
        'int-spec',
        new ConnectorSettingsSessionClient(connector.url, 'int-spec-service-token'),
        { apiVersion: API_VERSION },
      );
      const feed = new CometdChangeFeed({
        sessions,
        apiVersion: API_VERSION,
        transportFailureAfterMs: 1500,
        disconnectTimeoutMs: 500,
      });
      const handler = new RecordingHandler();
      const subscription = await feed.subscribe('new', handler);
      await stopSandbox(sandbox);
      const started = Date.now();
      const failure = await handler.waitForFailure();
      expect(failure).toMatchObject({ code: ChangeFeedErrorCode.Transport, handling: 'retry-later' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(handler.failures).toHaveLength(1);
      await subscription.close();
      await feed.close();
    } finally {
      await connector.stop();
      await stopSandbox(sandbox);
    }
  });
});
