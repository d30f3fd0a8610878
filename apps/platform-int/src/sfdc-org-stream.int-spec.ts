import { KAFKA_TOPICS, type SfdcTaskChanged } from '@task-sync/contracts';
import { type LogLine, SalesforceUser, ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import { passwordAccessToken } from './support/sfdc-deploy';
import { SalesforceStack } from './support/salesforce-stack';
import { groupAtLogEnd, uniqueId, useKafkaClients } from './support/stack';
import { TopicReader } from './support/topic-reader';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'org-stream-spec-secret-org-stream-spec-000';
const CHANNEL = '/data/TaskChangeEvent';
/** The polls (the rep's and the org's) run once after the import, then not within the test: only the stream can deliver, or a poll the stream brought forward. */
const POLL_INTERVAL_MS = String(3_600_000);
const LEASE_MS = 3_000;

interface StreamingClient {
  clientId: string;
  userId: string;
  subscriptions: { channel: string; lastReplayId: number }[];
  waiting: boolean;
}

interface OrgStreamRow {
  replay_id: string | null;
  lease_holder: string | null;
  state: string;
  state_reason: string | null;
}

/**
 * The org's Change Data Capture stream in sfdc-ingest (issue 20, slice 1), against the real broker,
 * PostgreSQL, connector-settings (the org's reader and its session) and the Salesforce sandbox's
 * Streaming API. The rep's own polls are set an hour apart, so every change seen here came
 * through the stream: one subscriber per org, resumed from the stored replay id, handed over when
 * its replica dies, nothing lost or doubled.
 */
describe('sfdc-ingest: one Change Data Capture stream per Salesforce org', () => {
  const kafka = useKafkaClients();
  let stack: SalesforceStack;
  let reader: TopicReader<SfdcTaskChanged>;
  let ingestGroup: string;
  let orgId: string;
  let integrationUserId: string;
  let connectionId: string;
  let repJwt: string;
  let repUsername: string;
  let rep: SalesforceUser;
  let taskId: string;
  /** The replica that streams the org at a given point of the tests. */
  let holder: ServiceProcess;
  const started: ServiceProcess[] = [];
  const tenant = uniqueId('tenant');

  async function startIngest(): Promise<ServiceProcess> {
    const ingest = await stack.startSfdcIngest(ingestGroup, {
      POLL_INTERVAL_MS,
      ORG_POLL_INTERVAL_MS: POLL_INTERVAL_MS,
      ORG_POLL_DOWN_INTERVAL_MS: POLL_INTERVAL_MS,
      ORG_READER_CHECK_MS: '500',
      SCHEDULER_TICK_MS: '100',
      PAUSE_RECHECK_MS: '1000',
      STREAM_LEASE_MS: String(LEASE_MS),
      STREAM_SUPERVISE_MS: '250',
    });
    started.push(ingest);
    return ingest;
  }

  const said = (ingest: ServiceProcess, pattern: RegExp) =>
    ingest.logs.filter((l: LogLine) => pattern.test(String(l.msg ?? '')));
  const batchesHandled = (ingest: ServiceProcess) => said(ingest, new RegExp(`^org ${orgId}: \\d+ events? → `)).length;
  const streamRow = async (): Promise<OrgStreamRow | undefined> =>
    (
      await withPg(stack.databaseUrl, (c) =>
        c.query(
          `SELECT replay_id, lease_holder, state, state_reason FROM sfdc_ingest.sfdc_org_stream WHERE org_id = $1`,
          [orgId],
        ),
      )
    ).rows[0];
  /** The Streaming API's clients subscribed to the org's Task changes, as the sandbox sees them. */
  const subscribedClients = async (): Promise<StreamingClient[]> => {
    const answer = await fetch(`${stack.sandbox.url}/__admin/salesforce/orgs/${orgId}/change-data-capture`);
    const { clients } = (await answer.json()) as { clients: StreamingClient[] };
    return clients.filter((c) => c.waiting && c.subscriptions.some((s) => s.channel === CHANNEL));
  };
  /** How many subscribers the sandbox saw, sampled a few times (a client is between two connects for a moment now and then). */
  const mostSubscribersSeen = async (): Promise<number> => {
    let most = 0;
    for (let i = 0; i < 6; i++) {
      most = Math.max(most, (await subscribedClients()).length);
      await sleep(200);
    }
    return most;
  };
  const liveEvents = () => reader.events((e) => e.connectionId === connectionId && e.source === 'live');
  const titled = (title: string) => liveEvents().filter((e) => e.kind === 'upsert' && e.fields?.title === title);
  const holds = (ingest: ServiceProcess, row: OrgStreamRow | undefined) =>
    !!row?.lease_holder?.includes(`:${ingest.pid}:`);

  /** Waits until a write's change, titled `title`, is on the topic, and `via` stored the replay id after it. */
  async function writeAndSee(
    title: string,
    via: ServiceProcess,
    write: () => Promise<unknown>,
  ): Promise<SfdcTaskChanged> {
    const before = batchesHandled(via);
    await write();
    const [event] = await reader.waitFor(
      `"${title}" on ${KAFKA_TOPICS.sfdcTaskChanges}`,
      () => titled(title).length > 0 && titled(title),
    );
    await waitFor(`the replay id after "${title}" to be stored`, async () => batchesHandled(via) > before);
    return event;
  }

  /** The rep edits the task (marked with a client name when given, as the reconciler's writes are). */
  const editAndSee = (title: string, via: ServiceProcess, client?: string) =>
    writeAndSee(title, via, () =>
      client
        ? patchAsClient(repUsername, taskId, { Subject: title }, client)
        : rep.updateTask(taskId, { Subject: title }),
    );

  /** A REST write marked with a client name, as the reconciler's writes are (`Sforce-Call-Options`). */
  async function patchAsClient(
    username: string,
    id: string,
    fields: Record<string, unknown>,
    client: string,
  ): Promise<void> {
    const accessToken = await passwordAccessToken(stack.sandbox.url, username);
    const answer = await fetch(`${stack.sandbox.url}/services/data/v62.0/sobjects/Task/${id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        'sforce-call-options': `client=${client}`,
      },
      body: JSON.stringify(fields),
    });
    if (!answer.ok) throw new Error(`PATCH Task/${id}: ${answer.status} ${await answer.text()}`);
  }

  /** A new rep of the org connects Salesforce and turns "Sync tasks" on. */
  async function connectRepWithSyncOn(): Promise<{
    username: string;
    sfdcUserId: string;
    connectionId: string;
    jwt: string;
  }> {
    const connected = await stack.connectNewRep(tenant);
    expect((await stack.saveTaskSync(connected.connectionId, connected.jwt, true)).status).toBe(200);
    return connected;
  }

  beforeAll(async () => {
    stack = await SalesforceStack.start(kafka.admin, { database: 'sfdc_org_stream', jwtSecret: SECRET });
    orgId = stack.orgId;
    integrationUserId = await stack.adminUserId();
    ingestGroup = await groupAtLogEnd(kafka.admin, 'sfdc-ingest', [KAFKA_TOPICS.settingsChanges]);
    reader = await TopicReader.start<SfdcTaskChanged>(KAFKA_TOPICS.sfdcTaskChanges);

    // An admin connects the org's reader; a rep of the org connects and turns sync on.
    await stack.connectOrgReader({ tenant, adminSub: uniqueId('admin'), username: 'admin@sandbox.test' });
    ({ username: repUsername, connectionId, jwt: repJwt } = await connectRepWithSyncOn());
    rep = await SalesforceUser.login(stack.sandbox.url, repUsername);

    holder = await startIngest();
    await holder.waitForLog((l) => String(l.msg).startsWith(`org ${orgId}: stream started`), 60_000);
  }, 180_000);

  afterAll(() => stack?.stop(reader, ...started));

  it("streams the org through its reader: a rep's change reaches sfdc.task-changes.v1 for the rep's connection, with the writing client when it is sure", async () => {
    expect(said(holder, new RegExp(`^org ${orgId}: stream started with new events only`))).toHaveLength(1);
    const clients = await waitFor('the subscriber at the sandbox', async () => {
      const found = await subscribedClients();
      return found.length > 0 && found;
    });
    expect(clients).toEqual([expect.objectContaining({ userId: integrationUserId })]);
    expect(await mostSubscribersSeen()).toBe(1);

    const created = await writeAndSee(
      'created while streaming',
      holder,
      async () => (taskId = await rep.createTask({ Subject: 'created while streaming' })),
    );
    expect(created).toMatchObject({ kind: 'upsert', taskId, source: 'live', origin: null, connectionId });

    // A write marked `client=task-sync` (as the reconciler's are): the read is that write's state, so the origin says so.
    const marked = await editAndSee('edited by our client', holder, 'task-sync');
    expect(marked.origin).toBe('task-sync');
    const plain = await editAndSee('edited in Salesforce', holder);
    expect(plain.origin).toBeNull();

    expect(said(holder, new RegExp(`^org ${orgId}: 1 event → 1 task for 1 connection`)).length).toBeGreaterThanOrEqual(
      3,
    );
    expect(await streamRow()).toMatchObject({ state: 'streaming', replay_id: expect.stringMatching(/^\d+$/) });
  });

  it('resumes from the stored replay id after a restart: the change made while sfdc-ingest was stopped arrives, once', async () => {
    const stored = (await streamRow())?.replay_id;
    expect((await holder.stop()).code).toBe(0);
    expect(await streamRow()).toMatchObject({
      lease_holder: null,
      state: 'stopped',
      state_reason: 'released at shutdown',
      replay_id: stored,
    });

    await rep.updateTask(taskId, { Subject: 'edited while sfdc-ingest was stopped' });
    holder = await startIngest();
    await reader.waitFor(
      'the change made while stopped',
      () => titled('edited while sfdc-ingest was stopped').length > 0,
    );
    expect(said(holder, new RegExp(`^org ${orgId}: stream started from replay ${stored}$`))).toHaveLength(1);

    await sleep(2_000);
    expect(titled('edited while sfdc-ingest was stopped')).toHaveLength(1);
  });

  it('with two replicas only one subscribes; when it is killed the other takes over after the lease, and nothing is lost or doubled', async () => {
    const second = await startIngest();
    // Several of the second replica's rounds go by: it finds the lease held.
    await sleep(2_000);
    expect(holds(holder, await streamRow())).toBe(true);
    expect(said(second, /: lease taken|: stream started/)).toEqual([]);
    expect(await mostSubscribersSeen()).toBe(1);
    await editAndSee('edited with two replicas running', holder);

    await holder.stop('SIGKILL');
    await rep.updateTask(taskId, { Subject: 'edited after the holder was killed' });
    await second.waitForLog(
      (l) => String(l.msg).startsWith(`org ${orgId}: stream started from replay`),
      LEASE_MS + 30_000,
    );
    await reader.waitFor(
      'the change made while no replica streamed',
      () => titled('edited after the holder was killed').length > 0,
    );
    expect(holds(second, await streamRow())).toBe(true);
    await editAndSee('edited after the takeover', second);

    await sleep(2_000);
    for (const title of [
      'edited with two replicas running',
      'edited after the holder was killed',
      'edited after the takeover',
    ])
      expect(titled(title)).toHaveLength(1);
    // Over the whole run: every change once (a create and an edit in one second differ in their fields).
    const seen = liveEvents().map((e) => `${e.kind} ${e.taskId} ${e.changedAt} ${JSON.stringify(e.fields)}`);
    expect(seen.length).toBe(new Set(seen).size);
    expect(await mostSubscribersSeen()).toBe(1);
    holder = second;
  });

  it("R8: a task reassigned to another connected rep reaches the new owner's connection, and once the former owner's, naming the new owner", async () => {
    const other = await connectRepWithSyncOn();
    // The other rep's enable is read by sfdc-ingest before the reassignment is made.
    await waitFor(
      'the second connection in the projection',
      async () =>
        (
          await withPg(stack.databaseUrl, (c) =>
            c.query(
              `SELECT 1 FROM sfdc_ingest.connection_setting WHERE connection_id = $1 AND enabled AND sfdc_user_id IS NOT NULL`,
              [other.connectionId],
            ),
          )
        ).rows.length === 1,
    );
    await sleep(1_100); // the reassignment's SystemModstamp falls after that enable's second
    await rep.updateTask(taskId, { OwnerId: other.sfdcUserId, Subject: 'reassigned to another rep' });
    const reassigned = (connection: string) =>
      reader.events(
        (e) => e.connectionId === connection && e.kind === 'upsert' && e.fields?.title === 'reassigned to another rep',
      );
    await reader.waitFor(
      'the reassignment for both connections',
      () => reassigned(connectionId).length > 0 && reassigned(other.connectionId).length > 0,
    );
    expect(reassigned(connectionId)).toEqual([
      expect.objectContaining({ taskId, ownerId: other.sfdcUserId, origin: null }),
    ]);
    expect(reassigned(other.connectionId)).toEqual([expect.objectContaining({ taskId, ownerId: other.sfdcUserId })]);

    // Told once: the former owner's connection hears no more of the task.
    await rep.updateTask(taskId, { Subject: 'edited after the reassignment' });
    await reader.waitFor(
      'the next edit for the new owner',
      () =>
        reader.events(
          (e) => e.connectionId === other.connectionId && e.fields?.title === 'edited after the reassignment',
        ).length > 0,
    );
    await sleep(1_000);
    expect(
      reader.events((e) => e.connectionId === connectionId && e.fields?.title === 'edited after the reassignment'),
    ).toEqual([]);
  });

  it('a gap event (Salesforce could not build the change events) names its records: they are read by id and arrive, once', async () => {
    // The rep's own task (the one above went to another rep); then edited while Task is out of the
    // org's selection, so only the gap event names the change.
    const ownTask = await writeAndSee('a task for the gap event', holder, () =>
      rep.createTask({ Subject: 'a task for the gap event' }),
    );
    await stack.sf.setTaskChangeDataCapture(orgId, false);
    await rep.updateTask(ownTask.taskId, { Subject: 'changed behind a gap event' });
    await stack.sf.setTaskChangeDataCapture(orgId, true);
    await sleep(1_000);
    expect(titled('changed behind a gap event')).toEqual([]);

    const before = batchesHandled(holder);
    const gap = await fetch(`${stack.sandbox.url}/__admin/salesforce/orgs/${orgId}/change-events/gap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recordIds: [ownTask.taskId], changeType: 'GAP_UPDATE' }),
    });
    expect(gap.ok).toBe(true);
    const [event] = await reader.waitFor(
      'the change the gap event named',
      () => titled('changed behind a gap event').length > 0 && titled('changed behind a gap event'),
    );
    expect(event).toMatchObject({ taskId: ownTask.taskId, connectionId, source: 'live', origin: null });
    await waitFor('the gap batch to be stored', async () => batchesHandled(holder) > before);
    await sleep(1_000);
    expect(titled('changed behind a gap event')).toHaveLength(1);
  });

  it('a GAP_OVERFLOW event (a change too large to name its records) brings the org poll forward: the change no event named arrives, once', async () => {
    // Written while Task is out of the org's Change Data Capture selection: no event names it, as with an overflowing transaction.
    await stack.sf.setTaskChangeDataCapture(orgId, false);
    const seededId = await rep.createTask({ Subject: 'changed in an overflowing transaction' });
    await stack.sf.setTaskChangeDataCapture(orgId, true);
    await sleep(1_500);
    expect(titled('changed in an overflowing transaction')).toEqual([]);

    expect(
      (
        await fetch(`${stack.sandbox.url}/__admin/salesforce/orgs/${orgId}/change-events/overflow`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).ok,
    ).toBe(true);
    const [event] = await reader.waitFor(
      'the change the overflow stood for',
      () =>
        titled('changed in an overflowing transaction').length > 0 && titled('changed in an overflowing transaction'),
      20_000,
    );
    expect(event).toMatchObject({ taskId: seededId, connectionId, source: 'live' });
    expect(
      said(
        holder,
        new RegExp(
          `^org ${orgId}: 1 event → 0 tasks for 0 connections \\(replay \\d+; 1 overflow event naming no record, left to the org poll\\)`,
        ),
      ),
    ).toHaveLength(1);
    await sleep(1_000);
    expect(titled('changed in an overflowing transaction')).toHaveLength(1);
  });

  it("the org's event allocation used up: the stream is down, the rep's status says the org is polled meanwhile and why, the change still arrives; with events again it streams, and the status says so", async () => {
    const cdc = `${stack.sandbox.url}/__admin/salesforce/orgs/${orgId}/change-data-capture`;
    const setCdc = (body: object) =>
      fetch(cdc, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const readMode = async () => {
      const answer = await fetch(`${stack.settings.url}/v1/connections/${connectionId}/status`, {
        headers: { authorization: `Bearer ${repJwt}` },
      });
      return ((await answer.json()) as { readMode: { mode: string; reason: string; stream: { state: string } | null } })
        .readMode;
    };
    await waitFor('the status to say the org streams', async () => (await readMode()).stream?.state === 'streaming');
    const ownTask = await writeAndSee('a task for the event allocation', holder, () =>
      rep.createTask({ Subject: 'a task for the event allocation' }),
    );
    const { dailyDeliveryAllocation } = (await (await fetch(cdc)).json()) as { dailyDeliveryAllocation: number };
    await setCdc({ deliveredToday: dailyDeliveryAllocation });
    try {
      // The next delivery finds the allocation spent: Salesforce disconnects the subscriber; the org poll reads the change.
      await rep.updateTask(ownTask.taskId, { Subject: 'edited with no events left' });
      await reader.waitFor(
        'the edit, read by the org poll',
        () => titled('edited with no events left').length > 0,
        30_000,
      );
      await waitFor('the status to say the stream is down and the org polled', async () => {
        const mode = await readMode();
        return (
          mode.mode === 'org-stream' &&
          mode.stream?.state === 'down' &&
          /daily limit exceeded.*so the org is polled every 3600 s until it is back/.test(mode.reason)
        );
      });
    } finally {
      await setCdc({ deliveredToday: 0 });
    }
    await waitFor(
      'the status to say the org streams again',
      async () => (await readMode()).stream?.state === 'streaming',
      30_000,
    );
    await writeAndSee('edited once events were left again', holder, () =>
      rep.updateTask(ownTask.taskId, { Subject: 'edited once events were left again' }),
    );
    expect(titled('edited with no events left')).toHaveLength(1);
  });

  it('a stream down longer than the 72-hour retention: the org poll reads what was missed, once, and the stream goes on with new events', async () => {
    const ownTask = await writeAndSee('a task for the outage', holder, () =>
      rep.createTask({ Subject: 'a task for the outage' }),
    );
    expect((await holder.stop()).code).toBe(0);
    await rep.updateTask(ownTask.taskId, { Subject: 'edited during a long outage' });
    // 73 hours later on Salesforce's clock: the stored replay id, and the event of that edit, are gone.
    await stack.sf.setClock(new Date(Date.now() + 73 * 3_600_000), false);
    try {
      holder = await startIngest();
      await reader.waitFor(
        'the edit made during the outage',
        () => titled('edited during a long outage').length > 0,
        30_000,
      );
      expect(
        said(holder, new RegExp(`^org ${orgId}: the stored replay id is past Salesforce's retention`)).length,
      ).toBeGreaterThanOrEqual(1);
      await holder.waitForLog(
        (l) => new RegExp(`^org ${orgId}: stream started with new events only`).test(String(l.msg)),
        30_000,
      );
      await writeAndSee('edited after the outage', holder, () =>
        rep.updateTask(ownTask.taskId, { Subject: 'edited after the outage' }),
      );
      await sleep(1_000);
      expect(titled('edited during a long outage')).toHaveLength(1);
      expect(titled('edited after the outage')).toHaveLength(1);
    } finally {
      await stack.sf.resetClock();
    }
  });
});
