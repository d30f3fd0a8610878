import { randomBytes } from 'node:crypto';
import { KAFKA_TOPICS, type SfdcTaskChanged } from '@task-sync/contracts';
import { type LogLine, SalesforceUser, ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import { SalesforceStack } from './support/salesforce-stack';
import { groupAtLogEnd, uniqueId, useKafkaClients } from './support/stack';
import { TopicReader } from './support/topic-reader';
import { openSealedToken } from './support/users';
import { setTimeout as sleep } from 'node:timers/promises';

const SECRET = 'org-poll-spec-secret-org-poll-spec-secret-0';
const KEY = randomBytes(32);
/** Per-rep polls every 100 ms, backing off to 1.6 s while idle; the org poll every 500 ms (no stream here). */
const POLL_MS = 100;
const IDLE_MAX_MS = 1_600;
const ORG_POLL_MS = 500;

interface SyncStateRow {
  stage: string;
  next_run_at: Date;
  idle_polls: number;
  changes_watermark: Date;
}

/**
 * Org reads without the stream (issue 20, deliverable 4), against the real broker, PostgreSQL,
 * connector-settings and the Salesforce sandbox: an org with a connected reader is read by one
 * safety-net poll for all its reps, through the reader's session, and its reps' own polls stop;
 * when Salesforce refuses the reader, the reps' polls take over where the org poll stood, and a
 * reconnect hands back. An org without a reader is polled per rep, less often while a rep is idle.
 * ORG_STREAM_ENABLED=false, so every change seen here came through a poll.
 */
describe('sfdc-ingest: an org read once by its poll, per-rep polls as the fallback, backing off while idle', () => {
  const kafka = useKafkaClients();
  let stack: SalesforceStack;
  let ingest: ServiceProcess;
  let reader: TopicReader<SfdcTaskChanged>;
  const tenant = uniqueId('tenant');
  const adminSub = uniqueId('admin');

  const said = (pattern: RegExp) => ingest.logs.filter((l: LogLine) => pattern.test(String(l.msg ?? '')));
  const titled = (connectionId: string, title: string) =>
    reader.events(
      (e) => e.connectionId === connectionId && e.source === 'live' && e.kind === 'upsert' && e.fields?.title === title,
    );
  const syncState = async (connectionId: string): Promise<SyncStateRow> =>
    (
      await withPg(stack.databaseUrl, (c) =>
        c.query(
          `SELECT stage, next_run_at, idle_polls, changes_watermark FROM sfdc_ingest.sfdc_sync_state WHERE connection_id = $1`,
          [connectionId],
        ),
      )
    ).rows[0];
  const orgPollRow = async (
    orgId: string,
  ): Promise<{ reads: string; reads_reason: string; last_polled_at: Date | null } | undefined> =>
    (
      await withPg(stack.databaseUrl, (c) =>
        c.query(`SELECT reads, reads_reason, last_polled_at FROM sfdc_ingest.sfdc_org_poll WHERE org_id = $1`, [orgId]),
      )
    ).rows[0];
  const readMode = async (jwt: string, connectionId: string): Promise<{ mode: string; reason: string }> => {
    const answer = await fetch(`${stack.settings.url}/v1/connections/${connectionId}/status`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    return ((await answer.json()) as { readMode: { mode: string; reason: string } }).readMode;
  };

  /** A new org with one rep who connected Salesforce and turned "Sync tasks" on, imported and live. */
  async function orgWithRep(name: string) {
    const orgId = await stack.sf.createOrg(uniqueId(name));
    const { username, connectionId, jwt } = await stack.connectNewRep(tenant, orgId);
    expect((await stack.saveTaskSync(connectionId, jwt, true)).status).toBe(200);
    await waitFor('the import to finish', async () => (await syncState(connectionId))?.stage === 'live');
    return { orgId, jwt, connectionId, rep: await SalesforceUser.login(stack.sandbox.url, username) };
  }

  /** The org's integration user (View All Data), connected by an admin as the org's reader. */
  async function connectReader(orgId: string, username: string) {
    await stack.connectOrgReader({ tenant, adminSub, username });
    await waitFor(`org ${orgId} to be read once`, async () => (await orgPollRow(orgId))?.reads === 'org');
  }

  beforeAll(async () => {
    stack = await SalesforceStack.start(kafka.admin, {
      database: 'sfdc_org_poll',
      jwtSecret: SECRET,
      env: { TOKEN_ENCRYPTION_KEYS: `it1:${KEY.toString('base64')}`, TOKEN_ENCRYPTION_KEY_ID: 'it1' },
    });
    const ingestGroup = await groupAtLogEnd(kafka.admin, 'sfdc-ingest', [KAFKA_TOPICS.settingsChanges]);
    reader = await TopicReader.start<SfdcTaskChanged>(KAFKA_TOPICS.sfdcTaskChanges);
    ingest = await stack.startSfdcIngest(ingestGroup, {
      POLL_INTERVAL_MS: String(POLL_MS),
      POLL_IDLE_MAX_INTERVAL_MS: String(IDLE_MAX_MS),
      POLL_LOOKBACK_MS: '3000',
      DELETE_AUDIT_INTERVAL_MS: '3600000',
      PAUSE_RECHECK_MS: '1000',
      SALESFORCE_RETRY_BASE_MS: '50',
      SCHEDULER_TICK_MS: '50',
      ORG_STREAM_ENABLED: 'false',
      ORG_POLL_INTERVAL_MS: String(ORG_POLL_MS),
      ORG_POLL_DOWN_INTERVAL_MS: String(ORG_POLL_MS),
      ORG_DELETE_AUDIT_INTERVAL_MS: '2000',
      ORG_READER_CHECK_MS: '500',
    });
  }, 180_000);

  afterAll(() => stack?.stop(reader, ingest));

  it("an org without a reader is polled per rep, and an idle rep's polls space out; a change brings them back", async () => {
    const { orgId, connectionId, rep } = await orgWithRep('per-rep-org');
    const verdict = await waitFor('the org’s verdict', async () => await orgPollRow(orgId));
    expect(verdict).toMatchObject({ reads: 'per-rep', reads_reason: 'the org has no reader' });
    // Idle: the waits double from 100 ms to 1.6 s (100 + 200 + 400 + 800 + 1,600 ms), then stay there.
    await waitFor('five idle polls in a row', async () => (await syncState(connectionId)).idle_polls >= 5, 20_000);
    const before = await stack.sf.apiCallsOf(orgId);
    await sleep(4_000);
    const idleCalls = (await stack.sf.apiCallsOf(orgId)) - before;
    // At 1.6 s a poll (one queryAll each): 2 or 3 calls in 4 s, where polls every 100 ms would make 40.
    expect(idleCalls).toBeGreaterThanOrEqual(1);
    expect(idleCalls).toBeLessThanOrEqual(4);

    const taskId = await rep.createTask({ Subject: 'made while the rep was idle' });
    const [event] = await reader.waitFor(
      'the idle rep’s change',
      () =>
        titled(connectionId, 'made while the rep was idle').length > 0 &&
        titled(connectionId, 'made while the rep was idle'),
      10_000,
    );
    expect(event).toMatchObject({ taskId, connectionId, source: 'live' });
    await waitFor('the back-off to start over', async () => (await syncState(connectionId)).idle_polls <= 1, 5_000);
  });

  describe('an org with a reader', () => {
    let orgId: string;
    let jwt: string;
    let connectionId: string;
    let rep: SalesforceUser;
    let readerUsername: string;

    beforeAll(async () => {
      ({ orgId, jwt, connectionId, rep } = await orgWithRep('org-read-once'));
      readerUsername = `${uniqueId('integration')}@sandbox.test`;
      const readerId = await stack.sf.createUser(orgId, readerUsername);
      await stack.sf.setViewAllData(orgId, readerId, true);
      await connectReader(orgId, readerUsername);
    }, 120_000);

    it("is read by one poll through the reader's session: the rep's change arrives once, and the rep's own polls stop", async () => {
      expect(await readMode(jwt, connectionId)).toMatchObject({ mode: 'org-stream' });
      // sfdc-ingest's own verdict follows connector-settings' by a round: until then the rep's poll may still read.
      await waitFor(
        'sfdc-ingest to read the org once',
        async () => {
          const row = await orgPollRow(orgId);
          return row?.reads === 'org' && row.last_polled_at !== null ? row : undefined;
        },
        15_000,
      );
      const taskId = await rep.createTask({ Subject: 'read by the org poll' });
      const [event] = await reader.waitFor(
        'the change, read by the org poll',
        () => titled(connectionId, 'read by the org poll').length > 0 && titled(connectionId, 'read by the org poll'),
        15_000,
      );
      expect(event).toMatchObject({ taskId, connectionId, source: 'live' });
      // Logged once the poll's step ends (after the publish, the delete audit and the prune): it may follow the event.
      await waitFor(
        'the org poll to say what it published',
        async () =>
          said(new RegExp(`^org ${orgId}: poll of 1 owners published 1 changed tasks for 1 connections`)).length >= 1,
        10_000,
      );

      // The rep's own schedule no longer moves: nothing leases it while the org is read once.
      const parked = await syncState(connectionId);
      const polledBefore = (await orgPollRow(orgId))?.last_polled_at?.getTime() ?? 0;
      await sleep(3_000);
      expect((await syncState(connectionId)).next_run_at).toEqual(parked.next_run_at);
      expect((await orgPollRow(orgId))?.last_polled_at?.getTime()).toBeGreaterThan(polledBefore);
      expect(titled(connectionId, 'read by the org poll')).toHaveLength(1);

      await rep.deleteTask(taskId);
      await reader.waitFor(
        'the delete, read by the org poll',
        () =>
          reader.events((e) => e.connectionId === connectionId && e.taskId === taskId && e.kind === 'delete').length >
          0,
        15_000,
      );
    });

    it("when Salesforce refuses the reader, the rep's own polls take over where the org poll stood and nothing is lost; a reconnect reads the org once again", async () => {
      const { rows } = await withPg(stack.databaseUrl, (c) =>
        c.query(`SELECT refresh_token_sealed FROM connector_settings.org_reader WHERE sfdc_org_id = $1`, [orgId]),
      );
      // Revoked at Salesforce (an admin of the org did it in Setup), and its access tokens with it.
      expect(
        (
          await fetch(`${stack.sandbox.url}/services/oauth2/revoke`, {
            method: 'POST',
            body: new URLSearchParams({ token: openSealedToken(rows[0].refresh_token_sealed, KEY) }),
          })
        ).status,
      ).toBe(200);
      const taskId = await rep.createTask({ Subject: 'made as the reader was refused' });
      await waitFor('the org to be read per rep', async () => (await orgPollRow(orgId))?.reads === 'per-rep', 20_000);
      expect(await readMode(jwt, connectionId)).toMatchObject({
        mode: 'per-rep-polling',
        reason: expect.stringContaining('refused'),
      });
      await reader.waitFor(
        'the change made as the reader was refused',
        () => titled(connectionId, 'made as the reader was refused').length > 0,
        15_000,
      );

      await rep.updateTask(taskId, { Subject: 'edited while read per rep' });
      await reader.waitFor(
        'the change read by the rep’s own poll',
        () => titled(connectionId, 'edited while read per rep').length > 0,
        15_000,
      );

      await connectReader(orgId, readerUsername);
      expect(await readMode(jwt, connectionId)).toMatchObject({ mode: 'org-stream' });
      await rep.updateTask(taskId, { Subject: 'edited after the reconnect' });
      await reader.waitFor(
        'the change after the reconnect',
        () => titled(connectionId, 'edited after the reconnect').length > 0,
        15_000,
      );
      await sleep(1_500);
      for (const title of ['made as the reader was refused', 'edited while read per rep', 'edited after the reconnect'])
        expect(titled(connectionId, title)).toHaveLength(1);
    });
  });
});
