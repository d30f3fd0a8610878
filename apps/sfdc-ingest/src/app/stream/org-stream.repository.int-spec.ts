import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import {
  AddPublishedChangeFingerprint1764000000301,
  CreateSfdcOrgStream1764000000302,
  CreateSfdcSyncState1764000000300,
} from '../sync/migrations';
import { OrgStreamRepository } from './org-stream.repository';
import { setTimeout as sleep } from 'node:timers/promises';

const ORG = '00D000000000001AAA';
const LEASE_MS = 15_000;

describe('OrgStreamRepository (real PostgreSQL): one holder per org, and state changes by name', () => {
  let db: TestDatabase;
  let streams: OrgStreamRepository;

  beforeEach(async () => {
    db = await createTestDatabase({
      schema: 'sfdc_ingest',
      migrations: [
        ...settingsProjection.migrations,
        CreateSfdcSyncState1764000000300,
        AddPublishedChangeFingerprint1764000000301,
        CreateSfdcOrgStream1764000000302,
      ],
    });
    streams = new OrgStreamRepository(db.dataSource);
  });
  afterEach(() => db.drop());

  const row = async () =>
    (
      await db.dataSource.query(
        `SELECT lease_holder, state, state_reason, retry_at, replay_id, last_event_at FROM sfdc_org_stream WHERE org_id = $1`,
        [ORG],
      )
    )[0];

  it('of replicas asking at the same time, exactly one gets the lease; it may ask again, the others may not', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => streams.acquireLease(ORG, `replica-${i}`, LEASE_MS)),
    );
    const winners = answers.flatMap((a, i) => (a ? [`replica-${i}`] : []));
    expect(winners).toHaveLength(1);
    expect(answers.find(Boolean)).toEqual({
      orgId: ORG,
      replayId: null,
      state: 'stopped',
      stateReason: null,
      retryAt: null,
    });
    expect(await streams.acquireLease(ORG, winners[0], LEASE_MS)).not.toBeNull();
    expect(await streams.acquireLease(ORG, 'replica-late', LEASE_MS)).toBeNull();
    expect((await row()).lease_holder).toBe(winners[0]);
  });

  it('a lease that ran out (a replica killed) is taken over; the old holder then changes nothing', async () => {
    expect(await streams.acquireLease(ORG, 'a', 300)).not.toBeNull();
    expect(await streams.acquireLease(ORG, 'b', LEASE_MS)).toBeNull();
    await sleep(400);
    expect(await streams.acquireLease(ORG, 'b', LEASE_MS)).not.toBeNull();
    expect(await streams.renewLeases('a', [ORG], LEASE_MS)).toEqual(new Set());
    expect(await db.dataSource.transaction((m) => streams.advanceReplay(m, ORG, 'a', 99, null))).toBe(false);
    expect(await streams.markStreaming(ORG, 'a', 'subscribed')).toBe(false);
    expect(await streams.releaseLease(ORG, 'a', 'released at shutdown')).toBe(false);
    expect(await row()).toMatchObject({ lease_holder: 'b', replay_id: null });
  });

  it('renewing keeps the lease live; it answers only the orgs still held', async () => {
    const other = '00D000000000002AAA';
    await streams.acquireLease(ORG, 'a', 300);
    await streams.acquireLease(other, 'b', LEASE_MS);
    await sleep(200);
    expect(await streams.renewLeases('a', [ORG, other], 300)).toEqual(new Set([ORG]));
    await sleep(200);
    expect(await streams.acquireLease(ORG, 'b', LEASE_MS)).toBeNull();
    expect(await streams.renewLeases('a', [], LEASE_MS)).toEqual(new Set());
  });

  it('the replay id moves with the batch it ends, and comes back as a number', async () => {
    await streams.acquireLease(ORG, 'a', LEASE_MS);
    const at = new Date('2026-11-24T10:00:05.000Z');
    expect(await db.dataSource.transaction((m) => streams.advanceReplay(m, ORG, 'a', 9_007_199_254, at))).toBe(true);
    expect(await streams.find(ORG)).toMatchObject({ replayId: 9_007_199_254 });
    expect((await row()).last_event_at).toEqual(at);
    // A batch that rolls back leaves it where it was.
    await expect(
      db.dataSource.transaction(async (m) => {
        await streams.advanceReplay(m, ORG, 'a', 9_007_199_300, null);
        throw new Error('the published-change insert failed');
      }),
    ).rejects.toThrow();
    expect((await streams.find(ORG))?.replayId).toBe(9_007_199_254);
  });

  it('names each state: streaming, retrying, down (kept through a release, with its retry time), stopped', async () => {
    await streams.acquireLease(ORG, 'a', LEASE_MS);
    await streams.markStreaming(ORG, 'a', 'subscribed from replay 12');
    expect(await row()).toMatchObject({
      state: 'streaming',
      state_reason: 'subscribed from replay 12',
      retry_at: null,
    });

    const retryAt = new Date(Date.now() + 4000);
    await streams.markRetrying(ORG, 'a', 'TRANSPORT: no answer', retryAt);
    expect(await row()).toMatchObject({ state: 'retrying', state_reason: 'TRANSPORT: no answer', retry_at: retryAt });

    await streams.markDown(ORG, 'a', 'NOT_PERMITTED: without View All Data', retryAt);
    await streams.releaseLease(ORG, 'a', 'released at shutdown');
    expect(await row()).toMatchObject({
      lease_holder: null,
      state: 'down',
      state_reason: 'NOT_PERMITTED: without View All Data',
      retry_at: retryAt,
    });
    // The next holder learns it is down, and until when.
    expect(await streams.acquireLease(ORG, 'b', LEASE_MS)).toMatchObject({ state: 'down', retryAt });

    await streams.markStreaming(ORG, 'b', 'subscribed with new events only');
    await streams.releaseLease(ORG, 'b', 'released at shutdown');
    expect(await row()).toMatchObject({ lease_holder: null, state: 'stopped', state_reason: 'released at shutdown' });

    await streams.acquireLease(ORG, 'c', LEASE_MS);
    await streams.markStopped(ORG, 'c', 'no connected reader');
    expect(await row()).toMatchObject({ lease_holder: null, state: 'stopped', state_reason: 'no connected reader' });
  });

  it('forgets a replay id past retention, and skips past an event that does not decode', async () => {
    await streams.acquireLease(ORG, 'a', LEASE_MS);
    await db.dataSource.transaction((m) => streams.advanceReplay(m, ORG, 'a', 12, null));
    await streams.markReplayLost(ORG, 'a', 'REPLAY_ID_UNAVAILABLE: The replayId {12} you provided was invalid.');
    expect(await row()).toMatchObject({
      replay_id: null,
      state: 'retrying',
      state_reason: expect.stringContaining('REPLAY_ID_UNAVAILABLE'),
    });
    await streams.markReplaySkipped(ORG, 'a', 20, 'MALFORMED_EVENT: not a Task change event');
    expect(await streams.find(ORG)).toMatchObject({ replayId: 20, state: 'retrying' });
  });

  it('reads the orgs to stream and their enabled connections from the settings projection', async () => {
    // Disabled an hour ago: past the minutes in which a change made before the disable may still come.
    const insert = (
      connectionId: string,
      enabled: boolean,
      orgId: string | null,
      userId: string | null,
      changedAt = new Date(Date.now() - 3_600_000),
    ) =>
      db.dataSource.query(
        `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, changed_at, sfdc_org_id, sfdc_user_id) VALUES ($1, 't', 'u', $2, 'UTC', $5, $3, $4)`,
        [connectionId, enabled, orgId, userId, changedAt],
      );
    await insert('conn-1', true, ORG, '005000000000001AAA');
    await insert('conn-2', false, ORG, '005000000000002AAA');
    await insert('conn-3', true, '00D000000000002AAA', '005000000000003AAA');
    await insert('conn-4', false, '00D000000000003AAA', '005000000000004AAA');
    await insert('conn-5', true, null, null); // announced before events carried the org
    await insert('conn-6', true, ORG, '005000000000006AAA');
    const change = (connectionId: string, kind: string, at: string) =>
      db.dataSource.query(
        `INSERT INTO connection_setting_change (event_id, connection_id, kind, changed_at) VALUES (gen_random_uuid(), $1, $2, $3)`,
        [connectionId, kind, at],
      );
    await change('conn-1', 'first-enable', '2026-11-01T10:00:00Z');
    await change('conn-1', 'disable', '2026-11-02T10:00:00Z');
    await change('conn-1', 're-enable', '2026-11-03T10:00:00Z');
    expect(await streams.orgsWithEnabledConnections()).toEqual([ORG, '00D000000000002AAA']);
    expect(await streams.enabledConnectionsOf(ORG.slice(0, 15))).toEqual([
      {
        connectionId: 'conn-1',
        sfdcUserId: '005000000000001AAA',
        enabledSince: Date.parse('2026-11-03T10:00:00Z'),
        disabledAt: null,
      },
      { connectionId: 'conn-6', sfdcUserId: '005000000000006AAA', enabledSince: null, disabledAt: null },
    ]);

    // R7 exact: disabled a minute ago, a connection still gets what was changed before its disable, and its org stays streamed.
    const disabledAt = new Date(Date.now() - 60_000);
    await insert('conn-7', false, '00D000000000004AAA', '005000000000007AAA', disabledAt);
    expect(await streams.orgsWithEnabledConnections()).toEqual([ORG, '00D000000000002AAA', '00D000000000004AAA']);
    expect(await streams.enabledConnectionsOf('00D000000000004AAA')).toEqual([
      {
        connectionId: 'conn-7',
        sfdcUserId: '005000000000007AAA',
        enabledSince: null,
        disabledAt: disabledAt.getTime(),
      },
    ]);
  });
});
