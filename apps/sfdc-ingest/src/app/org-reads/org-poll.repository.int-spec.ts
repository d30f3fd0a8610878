import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import { SFDC_INGEST_MIGRATIONS } from '../sync/migrations';
import { OrgPollRepository } from './org-poll.repository';
import { setTimeout as sleep } from 'node:timers/promises';

const ORG = '00D000000000001AAA';
const OTHER_ORG = '00D000000000002AAA';
const LEASE_MS = 60_000;

describe('OrgPollRepository (real PostgreSQL): how each org is read, and its poll by name', () => {
  let db: TestDatabase;
  let polls: OrgPollRepository;

  beforeEach(async () => {
    db = await createTestDatabase({
      schema: 'sfdc_ingest',
      migrations: [...settingsProjection.migrations, ...SFDC_INGEST_MIGRATIONS],
    });
    polls = new OrgPollRepository(db.dataSource, 1_000);
  });
  afterEach(() => db.drop());

  const pollRow = async (orgId = ORG) =>
    (await db.dataSource.query(`SELECT * FROM sfdc_org_poll WHERE org_id = $1`, [orgId]))[0];

  async function connection(
    id: string,
    options: {
      orgId?: string;
      enabled?: boolean;
      stage?: string;
      watermark?: Date;
      userId?: string;
      changedAt?: Date;
    } = {},
  ) {
    await db.dataSource.query(
      `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, changed_at, sfdc_org_id, sfdc_user_id) VALUES ($1, 't', 'u', $2, 'UTC', $5, $3, $4)`,
      [
        id,
        options.enabled ?? true,
        options.orgId ?? ORG,
        options.userId ?? `005${id.padEnd(12, '0').slice(0, 12)}AAA`,
        options.changedAt ?? new Date(Date.now() - 3_600_000),
      ],
    );
    const at = options.watermark ?? new Date('2026-12-01T10:00:00Z');
    await db.dataSource.query(
      `INSERT INTO sfdc_sync_state (connection_id, enable_at, enable_kind, stage, changes_watermark, deletes_watermark, next_run_at) VALUES ($1, $2, 'first-enable', $3, $2, $2, now())`,
      [id, at, options.stage ?? 'live'],
    );
  }

  it('an org turning to org reads is due at once; a verdict told again keeps its schedule; each answer says what came before', async () => {
    expect(await polls.recordReads(ORG, 'per-rep', 'the org has no reader')).toBeNull();
    expect(await polls.recordReads(ORG, 'org', 'read once')).toBe('per-rep');
    const due = (await pollRow()).next_run_at;
    await polls.release(ORG, Date.now() + 600_000, null);
    expect(await polls.recordReads(ORG, 'org', 'read once')).toBe('org');
    const kept = (await pollRow()).next_run_at;
    expect(kept.getTime()).toBeGreaterThan(due.getTime() + 500_000);
    expect(await polls.recordReads(ORG, 'per-rep', 'refused')).toBe('org');
    expect(await pollRow()).toMatchObject({ reads: 'per-rep', reads_reason: 'refused' });
  });

  it('only orgs read once, told recently and due are leased, each by one replica at a time', async () => {
    await polls.recordReads(ORG, 'org', 'read once');
    await polls.recordReads(OTHER_ORG, 'per-rep', 'no reader');
    const [first, second] = await Promise.all([polls.leaseDue(10, LEASE_MS), polls.leaseDue(10, LEASE_MS)]);
    expect([...first, ...second].map((o) => o.orgId)).toEqual([ORG]);
    expect(await polls.leaseDue(10, LEASE_MS)).toEqual([]);
    await polls.release(ORG, Date.now(), null);
    expect((await polls.leaseDue(10, LEASE_MS)).map((o) => o.orgId)).toEqual([ORG]);
    await polls.release(ORG, Date.now(), null);
    // A verdict nobody told again (no replica could ask connector-settings) counts for nothing.
    await sleep(1_100);
    expect(await polls.leaseDue(10, LEASE_MS)).toEqual([]);
  });

  it("the poll reads for the org's enabled, live connections only", async () => {
    await connection('live-a');
    await connection('importing', { stage: 'import' });
    await connection('disabled', { enabled: false });
    await connection('elsewhere', { orgId: OTHER_ORG });
    expect((await polls.targetsOf(ORG)).map((t) => t.connectionId)).toEqual(['live-a']);
  });

  it('R7 exact: a connection disabled a minute ago is read until the poll has passed its disable, for what was changed before it', async () => {
    const disabledAt = new Date(Date.now() - 60_000);
    await connection('just-disabled', {
      enabled: false,
      changedAt: disabledAt,
      watermark: new Date(disabledAt.getTime() - 5_000),
    });
    await connection('passed', {
      enabled: false,
      changedAt: disabledAt,
      watermark: new Date(disabledAt.getTime() + 1_000),
    });
    const targets = await polls.targetsOf(ORG);
    expect(targets.map((t) => [t.connectionId, t.disabledAt])).toEqual([['just-disabled', disabledAt.getTime()]]);
  });

  it('a page moves the covered watermarks forward only, and keeps the keyset; the last page clears it', async () => {
    await connection('a', { watermark: new Date('2026-12-01T10:00:00Z') });
    await connection('b', { watermark: new Date('2026-12-01T11:00:00Z') });
    await polls.recordReads(ORG, 'org', 'read once');
    const from = Date.parse('2026-12-01T09:58:00Z');
    const after = { stamp: Date.parse('2026-12-01T10:30:00Z'), id: '00T000000000001AAA' };
    await db.dataSource.transaction((m) =>
      polls.recordPage(m, ORG, ['a', 'b'], Date.parse('2026-12-01T10:30:00Z'), { from, after }),
    );
    const watermarks = async () =>
      Object.fromEntries(
        (
          (await db.dataSource.query(`SELECT connection_id, changes_watermark FROM sfdc_sync_state ORDER BY 1`)) as {
            connection_id: string;
            changes_watermark: Date;
          }[]
        ).map((r) => [r.connection_id, r.changes_watermark.toISOString()]),
      );
    expect(await watermarks()).toEqual({ a: '2026-12-01T10:30:00.000Z', b: '2026-12-01T11:00:00.000Z' });
    const [leased] = await polls.leaseDue(1, LEASE_MS);
    expect(leased).toMatchObject({ orgId: ORG, pollFrom: from, after });
    await db.dataSource.transaction((m) => polls.recordPage(m, ORG, ['a'], Date.parse('2026-12-01T12:00:00Z'), null));
    expect(await watermarks()).toEqual({ a: '2026-12-01T12:00:00.000Z', b: '2026-12-01T11:00:00.000Z' });
    expect(await pollRow()).toMatchObject({ poll_from: null, poll_after_stamp: null, poll_after_id: null });
    expect((await pollRow()).last_polled_at).not.toBeNull();
  });

  it('pollWithin brings the next poll forward, never back, and not for a paused org', async () => {
    await polls.recordReads(ORG, 'org', 'read once');
    await polls.release(ORG, Date.now() + 600_000, null);
    await polls.pollWithin(ORG, 0);
    expect((await pollRow()).next_run_at.getTime()).toBeLessThanOrEqual(Date.now());
    await polls.pollWithin(ORG, 600_000);
    expect((await pollRow()).next_run_at.getTime()).toBeLessThanOrEqual(Date.now());
    const pausedUntil = Date.now() + 600_000;
    await polls.release(ORG, pausedUntil, 'API_BUDGET_REACHED');
    await polls.pollWithin(ORG, 0);
    expect((await pollRow()).next_run_at.getTime()).toBe(pausedUntil);
  });

  it('the stream is healthy only while it streams and its holder is alive', async () => {
    expect(await polls.streamHealthy(ORG)).toBe(false);
    await db.dataSource.query(
      `INSERT INTO sfdc_org_stream (org_id, lease_holder, lease_until, state) VALUES ($1, 'r', now() + interval '1 minute', 'streaming')`,
      [ORG],
    );
    expect(await polls.streamHealthy(ORG)).toBe(true);
    await db.dataSource.query(`UPDATE sfdc_org_stream SET lease_until = now() - interval '1 second'`);
    expect(await polls.streamHealthy(ORG)).toBe(false);
    await db.dataSource.query(`UPDATE sfdc_org_stream SET lease_until = now() + interval '1 minute', state = 'down'`);
    expect(await polls.streamHealthy(ORG)).toBe(false);
  });

  it('getDeleted done: the delete watermarks move forward only, and the org remembers when', async () => {
    await connection('a', { watermark: new Date('2026-12-01T10:00:00Z') });
    await polls.recordReads(ORG, 'org', 'read once');
    await db.dataSource.transaction((m) => polls.markAudited(m, ORG, ['a'], Date.parse('2026-12-01T10:05:00Z')));
    await db.dataSource.transaction((m) => polls.markAudited(m, ORG, ['a'], Date.parse('2026-12-01T09:00:00Z')));
    expect(
      (await db.dataSource.query(`SELECT deletes_watermark FROM sfdc_sync_state`))[0].deletes_watermark.toISOString(),
    ).toBe('2026-12-01T10:05:00.000Z');
    expect((await pollRow()).audited_at).not.toBeNull();
  });
});
