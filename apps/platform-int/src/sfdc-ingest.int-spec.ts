import { KAFKA_TOPICS, type SfdcTaskChanged } from '@task-sync/contracts';
import { SalesforceAdmin, SalesforceUser, ServiceProcess, waitFor } from '@task-sync/testing-stack';
import { SalesforceStack } from './support/salesforce-stack';
import { groupAtLogEnd, uniqueId, useKafkaClients } from './support/stack';
import { TopicReader } from './support/topic-reader';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'sfdc-ingest-spec-secret-sfdc-ingest-spec-00';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const POLL_MS = 400;

interface ConnectionStatus {
  state: string;
  import: { enableAt: string; found: number; imported: number; failed: number; done: boolean } | null;
  apiUsage: { used: number; limit: number } | null;
  recentErrors: { code: string; count: number }[];
}

/**
 * sfdc-ingest against the real broker, PostgreSQL, connector-settings (for the Salesforce session)
 * and the Salesforce sandbox, whose clock the tests move to place changes at the windows' edges.
 * Each test connects its own Salesforce user, so tasks and events never mix between tests.
 */
describe('sfdc-ingest: every Salesforce change onto Kafka', () => {
  const kafka = useKafkaClients();
  let stack: SalesforceStack;
  let ingest: ServiceProcess;
  let admin: SalesforceAdmin;
  let reader: TopicReader<SfdcTaskChanged>;
  let orgId: string;
  const tenant = uniqueId('tenant');

  async function startIngest(env: Record<string, string> = {}): Promise<ServiceProcess> {
    return stack.startSfdcIngest(ingestGroup, {
      POLL_INTERVAL_MS: String(POLL_MS),
      POLL_IDLE_MAX_INTERVAL_MS: String(POLL_MS),
      POLL_LOOKBACK_MS: '3000',
      DELETE_AUDIT_INTERVAL_MS: '2000',
      PAUSE_RECHECK_MS: '1000',
      SALESFORCE_RETRY_BASE_MS: '50',
      SCHEDULER_TICK_MS: '100',
      ...env,
    });
  }
  let ingestGroup: string;

  /** A Sales Connect user with a connection to a new Salesforce user of `org`. */
  async function connectNewUser(
    org = orgId,
  ): Promise<{ connectionId: string; jwt: string; sfdc: SalesforceUser; sfdcUserId: string }> {
    const { username, sfdcUserId, connectionId, jwt } = await stack.connectNewRep(tenant, org);
    return { connectionId, jwt, sfdc: await SalesforceUser.login(stack.sandbox.url, username), sfdcUserId };
  }

  async function saveSyncSetting(connectionId: string, jwt: string, enabled: boolean): Promise<void> {
    expect((await stack.saveTaskSync(connectionId, jwt, enabled)).status).toBe(200);
  }

  async function statusOf(connectionId: string, jwt: string): Promise<ConnectionStatus> {
    const res = await fetch(`${stack.settings.url}/v1/connections/${connectionId}/status`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    return (await res.json()) as ConnectionStatus;
  }

  const eventsOf = (connectionId: string, source?: SfdcTaskChanged['source']) =>
    reader.events((e) => e.connectionId === connectionId && (source === undefined || e.source === source));

  /** Creates a task at a given sandbox instant (the clock is frozen there for the write). */
  async function createTaskAt(sfdc: SalesforceUser, at: Date, fields: Record<string, unknown>): Promise<string> {
    await admin.setClock(at);
    try {
      return await sfdc.createTask(fields);
    } finally {
      await admin.resetClock();
    }
  }

  beforeAll(async () => {
    stack = await SalesforceStack.start(kafka.admin, { database: 'sfdc_ingest', jwtSecret: SECRET });
    ({ sf: admin, orgId } = stack);
    ingestGroup = await groupAtLogEnd(kafka.admin, 'sfdc-ingest', [KAFKA_TOPICS.settingsChanges]);
    ingest = await startIngest();
    reader = await TopicReader.start<SfdcTaskChanged>(KAFKA_TOPICS.sfdcTaskChanges);
  }, 120_000);

  afterAll(() => stack?.stop(reader, ingest));

  it('R2: a first enable imports the tasks changed in the 24 hours before it, open and completed, and nothing older or of another user', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    const base = Date.now();
    const outside = await createTaskAt(sfdc, new Date(base - DAY - 30_000), { Subject: 'changed 24 h 30 s before' });
    const inside = await createTaskAt(sfdc, new Date(base - DAY + 30_000), {
      Subject: 'changed 23 h 59 min 30 s before',
      ActivityDate: '2026-12-31',
    });
    const completed = await createTaskAt(sfdc, new Date(base - HOUR), {
      Subject: 'done an hour before',
      Status: 'Completed',
      Priority: 'High',
    });
    // Edited inside the window: the edit counts, not the creation.
    const editedOld = await createTaskAt(sfdc, new Date(base - 3 * DAY), { Subject: 'created three days before' });
    await admin.setClock(new Date(base - 2 * HOUR));
    await sfdc.updateTask(editedOld, { Subject: 'edited two hours before' });
    await admin.resetClock();
    // Forty tasks with descriptions near Salesforce's 32,000 characters: one import page is more than
    // the broker takes in one request (1 MB), so it must be sent in several, none lost.
    await admin.setClock(new Date(base - 5 * HOUR));
    const long: string[] = [];
    for (let i = 0; i < 40; i++)
      long.push(await sfdc.createTask({ Subject: `long ${i}`, Description: `${i} `.padEnd(31_000, 'x') }));
    await admin.resetClock();
    // Another user's task in the window is not this connection's.
    const other = await connectNewUser();
    const othersTask = await other.sfdc.createTask({ Subject: 'someone else' });

    await saveSyncSetting(connectionId, jwt, true);
    const imported = await reader.waitFor('the import', () => {
      const found = eventsOf(connectionId, 'import');
      return found.length >= 43 && found;
    });
    const status = await waitFor('the import to be reported done', async () => {
      const s = await statusOf(connectionId, jwt);
      return s.import?.done && s;
    });
    expect(imported.map((e) => e.taskId).sort()).toEqual([inside, completed, editedOld, ...long].sort());
    expect(eventsOf(connectionId).map((e) => e.taskId)).not.toContain(outside);
    expect(reader.events((e) => e.taskId === othersTask && e.connectionId === connectionId)).toEqual([]);
    expect(status.import).toEqual({ enableAt: expect.any(String), found: 43, imported: 43, failed: 0, done: true });
    const byId = new Map(imported.map((e) => [e.taskId, e]));
    expect(byId.get(completed)?.fields).toMatchObject({ title: 'done an hour before', open: false, priority: 'high' });
    expect(byId.get(inside)?.fields).toMatchObject({ dueDate: '2026-12-31', open: true });
    expect(byId.get(editedOld)?.fields?.title).toBe('edited two hours before');
    expect(byId.get(long[39])?.fields?.details).toHaveLength(31_000);
    for (const e of imported) expect(e.enableAt).toBe(status.import?.enableAt);
    // Keyed by connection + task, with the event id in a header.
    for (const m of reader.messages.filter((m) => m.event.connectionId === connectionId)) {
      expect(m.key).toBe(`${connectionId}:${m.event.taskId}`);
      expect(m.eventIdHeader).toBe(m.event.eventId);
    }
  });

  it('R2: the import includes archived tasks changed in its window (queryAll); a recurring series imports its occurrences, not its master, and polling skips the master too', async () => {
    const { connectionId, jwt, sfdc, sfdcUserId } = await connectNewUser();
    const plain = await sfdc.createTask({ Subject: 'plain task' });
    const archived = await sfdc.createTask({
      Subject: 'archived task',
      Status: 'Completed',
      ActivityDate: '2025-01-10',
    });
    expect((await admin.archiveTasks(orgId, [archived])).archived).toHaveLength(1);
    const master = await sfdc.createTask({ Subject: 'Weekly pipeline call', IsRecurrence: true });
    const occurrences: string[] = [];
    for (const day of ['2026-12-07', '2026-12-14']) {
      occurrences.push(
        (
          await admin.seedTask(orgId, {
            Subject: 'Weekly pipeline call',
            ActivityDate: day,
            OwnerId: sfdcUserId,
            RecurrenceActivityId: master,
          })
        ).Id,
      );
    }

    await saveSyncSetting(connectionId, jwt, true);
    const status = await waitFor('the import to be reported done', async () => {
      const s = await statusOf(connectionId, jwt);
      return s.import?.done && s;
    });
    const imported = eventsOf(connectionId, 'import');
    expect(imported.map((e) => e.taskId).sort()).toEqual([plain, archived, ...occurrences].sort());
    expect(imported.find((e) => e.taskId === archived)?.fields).toMatchObject({ title: 'archived task', open: false });
    expect(status.import).toEqual({ enableAt: expect.any(String), found: 4, imported: 4, failed: 0, done: true });

    // Live: an occurrence's edit goes, the master's does not.
    await sfdc.updateTask(master, { Subject: 'Weekly pipeline call (moved)' });
    await sfdc.updateTask(occurrences[0], { Subject: 'Weekly pipeline call, with Bia' });
    await reader.waitFor('the occurrence edit', () =>
      eventsOf(connectionId, 'live').find((e) => e.taskId === occurrences[0]),
    );
    expect(reader.events((e) => e.taskId === master)).toEqual([]);
  });

  it('R6: polling publishes every change and delete written while it runs, each once', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the (empty) import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);

    // Three writers at once, for about four seconds: creates, then edits of each, some deletes.
    const finalTitle = new Map<string, string>();
    const deleted = new Set<string>();
    await Promise.all(
      [0, 1, 2].map(async (writer) => {
        for (let i = 0; i < 12; i++) {
          const id = await sfdc.createTask({ Subject: `w${writer} task ${i}` });
          finalTitle.set(id, `w${writer} task ${i}`);
          if (i % 3 === 1) {
            await sfdc.updateTask(id, { Subject: `w${writer} task ${i} edited`, Status: 'Completed' });
            finalTitle.set(id, `w${writer} task ${i} edited`);
          }
          if (i % 4 === 3) {
            await sfdc.deleteTask(id);
            deleted.add(id);
          }
          await sleep(100);
        }
      }),
    );

    await reader.waitFor('every change and delete', () => {
      const live = eventsOf(connectionId, 'live');
      const lastUpsert = new Map(live.filter((e) => e.kind === 'upsert').map((e) => [e.taskId, e.fields?.title]));
      const deletes = new Set(live.filter((e) => e.kind === 'delete').map((e) => e.taskId));
      return (
        [...finalTitle].every(([id, title]) => lastUpsert.get(id) === title || (deleted.has(id) && deletes.has(id))) &&
        [...deleted].every((id) => deletes.has(id))
      );
    });
    // Wait a few more polls: the look-back re-reads, but publishes nothing twice.
    await sleep(POLL_MS * 6);
    const live = eventsOf(connectionId, 'live');
    // Stamps are whole seconds: a create and an edit in one second share changedAt, and differ in their fields.
    const seen = live.map((e) => `${e.kind} ${e.taskId} ${e.changedAt} ${JSON.stringify(e.fields ?? null)}`);
    expect(seen.length).toBe(new Set(seen).size);
    expect(
      live
        .filter((e) => e.kind === 'delete')
        .map((e) => e.taskId)
        .sort(),
    ).toEqual([...deleted].sort());
  });

  it('R6: a task edited again within the same second (Salesforce stamps whole seconds) is published again', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the (empty) import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);
    const titles = () =>
      eventsOf(connectionId, 'live')
        .filter((e) => e.kind === 'upsert')
        .map((e) => e.fields?.title);
    await admin.setClock(new Date(Math.floor(Date.now() / 1000) * 1000 + 500));
    try {
      const id = await sfdc.createTask({ Subject: 'first take' });
      await reader.waitFor('the create', () => titles().includes('first take'));
      await sfdc.updateTask(id, { Subject: 'second take, same second' });
      await reader.waitFor('the edit with the same SystemModstamp', () =>
        titles().includes('second take, same second'),
      );
      const stamps = new Set(eventsOf(connectionId, 'live').map((e) => e.changedAt));
      expect(stamps.size).toBe(1);
    } finally {
      await admin.resetClock();
    }
  });

  it('R2: an import reads on when Salesforce answers a page shorter than asked (done: false)', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    for (let i = 0; i < 30; i++) await sfdc.createTask({ Subject: `short page task ${i}` });
    await admin.setQueryPageSize(orgId, 7);
    try {
      await saveSyncSetting(connectionId, jwt, true);
      await waitFor('the import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);
      expect((await statusOf(connectionId, jwt)).import).toMatchObject({
        found: 30,
        imported: 30,
        failed: 0,
        done: true,
      });
      expect(new Set(eventsOf(connectionId, 'import').map((e) => e.taskId)).size).toBe(30);
    } finally {
      await admin.setQueryPageSize(orgId, null);
    }
  });

  it('R7 and R5: a disabled connection is not read; a re-enable imports the last 24 hours and passes on the deletes of the 15 days before it', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the first import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);
    await saveSyncSetting(connectionId, jwt, false);
    await sleep(1500); // the disable reaches sfdc-ingest

    // R7: nothing is read while disabled.
    const editedWhileOff = await sfdc.createTask({ Subject: 'written while sync is off' });
    await sleep(POLL_MS * 6);
    expect(eventsOf(connectionId).filter((e) => e.taskId === editedWhileOff)).toEqual([]);

    // Deletes at the 15-day edges (the clock is moved back for each), and one an hour ago.
    const base = Date.now();
    const longAgo = new Date(base - 16 * DAY);
    const [justInside, justOutside, recent] = [
      await createTaskAt(sfdc, longAgo, { Subject: 'deleted 14 d 23 h 58 min before' }),
      await createTaskAt(sfdc, longAgo, { Subject: 'deleted 15 d 2 min before' }),
      await createTaskAt(sfdc, longAgo, { Subject: 'deleted an hour before' }),
    ];
    for (const [id, at] of [
      [justInside, base - 15 * DAY + 120_000],
      [justOutside, base - 15 * DAY - 120_000],
      [recent, base - HOUR],
    ] as const) {
      await admin.setClock(new Date(at));
      await sfdc.deleteTask(id);
    }
    await admin.resetClock();

    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the re-enable to be reported done', async () => {
      const s = await statusOf(connectionId, jwt);
      return (
        s.import?.done &&
        s.state === 'syncing' &&
        reader.events((e) => e.connectionId === connectionId && e.source === 'reenable-deletes').length >= 2
      );
    });
    const deletes = eventsOf(connectionId, 'reenable-deletes');
    expect(deletes.map((e) => e.taskId).sort()).toEqual([justInside, recent].sort());
    for (const d of deletes) expect(d).toMatchObject({ kind: 'delete', fields: null, enableAt: expect.any(String) });
    // The re-enable imports what changed in the 24 hours before it, including what changed while off.
    const reimported = eventsOf(connectionId, 'import').filter((e) => e.taskId === editedWhileOff);
    expect(reimported).toHaveLength(1);
  });

  it('R7 exact, read per rep: a change made just before the disable and not polled yet is read by a final poll, and then the rep is no longer read', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the first import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);
    // The ingest is down across the disable: without a final poll, nothing would ever read this edit.
    expect((await ingest.stop()).code).toBe(0);
    const before = await sfdc.createTask({ Subject: 'made just before the disable' });
    await sleep(1_100); // Salesforce stamps whole seconds: the disable a second later
    await saveSyncSetting(connectionId, jwt, false);
    ingest = await startIngest();

    await waitFor('the change made before the disable', async () =>
      eventsOf(connectionId).some((e) => e.taskId === before),
    );
    await ingest.waitForLog((l) => String(l.msg).includes(`connection ${connectionId}: final poll after the disable`));
    // Past the look-back (3 s here) the final polls end: what is made now is never read. Salesforce
    // stamps whole seconds: a task made in the disable's second would count as made before it.
    await sleep(1_100);
    const after = await sfdc.createTask({ Subject: 'made after the final poll' });
    await sleep(5_000);
    expect(eventsOf(connectionId).filter((e) => e.taskId === before)).toHaveLength(1);
    expect(eventsOf(connectionId).filter((e) => e.taskId === after)).toEqual([]);
  });

  it('an expired Salesforce session is refreshed through connector-settings, and reading goes on', async () => {
    const { connectionId, jwt, sfdc } = await connectNewUser();
    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);
    const refreshesBefore = await admin.callCount('POST /services/oauth2/token refresh_token');
    const expired = await admin.expireSessions();
    expect(expired.expired).toBeGreaterThan(0);
    const id = await sfdc.createTask({ Subject: 'after the session expired' });
    await reader.waitFor('the change after the expiry', () =>
      eventsOf(connectionId, 'live').some((e) => e.taskId === id),
    );
    expect(await admin.callCount('POST /services/oauth2/token refresh_token')).toBeGreaterThan(refreshesBefore);
    expect(
      ingest.logs.some(
        (l) => /refresh token|refresh_token/i.test(JSON.stringify(l)) && /[0-9a-f]{20,}/.test(String(l.msg)),
      ),
    ).toBe(false);
  });

  it('the API budget pauses an org at its share and after REQUEST_LIMIT_EXCEEDED, reports it, and resumes by itself', async () => {
    const org = await admin.createOrg(uniqueId('budget-org'), 1000);
    const { connectionId, jwt, sfdc } = await connectNewUser(org);
    await saveSyncSetting(connectionId, jwt, true);
    await waitFor('the import to finish', async () => (await statusOf(connectionId, jwt)).import?.done);

    // 60 % used: over the default 50 % share.
    await admin.setApiUsage(org, { used: 600 });
    const paused = await waitFor('the pause', async () => {
      const s = await statusOf(connectionId, jwt);
      return s.state === 'paused-api-limit' && s;
    });
    expect(paused.recentErrors.map((e) => e.code)).toContain('API_BUDGET_REACHED');
    expect(paused.apiUsage?.limit).toBe(1000);
    const whilePaused = await sfdc.createTask({ Subject: 'written while paused' });
    await sleep(2500);
    expect(eventsOf(connectionId).filter((e) => e.taskId === whilePaused)).toEqual([]);
    const callsWhilePaused = await admin.callCount('GET query');

    // Salesforce says the limit is spent: still paused, with that reason.
    await admin.setApiUsage(org, { used: 1000 });
    await waitFor('REQUEST_LIMIT_EXCEEDED to be reported', async () =>
      (await statusOf(connectionId, jwt)).recentErrors.some((e) => e.code === 'API_LIMIT_EXCEEDED'),
    );
    // Paused means about one probe a recheck (1 s here), not a call every poll (0.4 s).
    const probes = (await admin.callCount('GET query')) - callsWhilePaused;
    expect(probes).toBeLessThan(12);

    // The day's usage resets: the connection resumes by itself and reads what it missed.
    await admin.setApiUsage(org, { used: 0 });
    await reader.waitFor('the change written while paused', () =>
      eventsOf(connectionId, 'live').some((e) => e.taskId === whilePaused),
    );
    await waitFor('the resume to be reported', async () => (await statusOf(connectionId, jwt)).state === 'syncing');
  });
});
