import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import { SFDC_INGEST_MIGRATIONS } from './migrations';
import { buildSyncState } from '../testing/in-memory-sync.stores';
import { SfdcSyncStateRepository, type LeaseQuery } from './sync-state.repository';

const ENABLE = new Date('2026-12-01T10:00:00.000Z');
const NOW = new Date('2026-12-01T10:05:00.000Z');

describe('SfdcSyncStateRepository (real PostgreSQL): the row a step holds, and what its transitions save', () => {
  let db: TestDatabase;
  let states: SfdcSyncStateRepository;

  beforeEach(async () => {
    db = await createTestDatabase({
      schema: 'sfdc_ingest',
      migrations: [...settingsProjection.migrations, ...SFDC_INGEST_MIGRATIONS],
    });
    states = new SfdcSyncStateRepository(db.dataSource);
  });
  afterEach(() => db.drop());

  async function enabledConnection(connectionId: string): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, first_enabled_at, changed_at)
       VALUES ($1, 'acme', $1, true, 'UTC', $2, $2)`,
      [connectionId, ENABLE],
    );
    await states.startEnable({ connectionId, kind: 'first-enable', at: ENABLE }, ENABLE, ENABLE);
  }

  const lease = (query: Partial<LeaseQuery> = {}) =>
    states.leaseDue({
      now: NOW,
      limit: 10,
      leaseMs: 60_000,
      orgReadsStaleMs: 60_000,
      lateChangeAfterDisableMs: 600_000,
      pollLookbackMs: 60_000,
      ...query,
    });

  it('leases a due connection with every column of its row, typed (the lease it now holds included)', async () => {
    await enabledConnection('conn-1');

    const [leased, ...others] = await lease();

    expect(others).toEqual([]);
    expect(leased).toEqual({
      state: buildSyncState({ connectionId: 'conn-1', enableAt: ENABLE, leaseUntil: new Date(NOW.getTime() + 60_000) }),
      disabledAt: null,
    });
    expect(await lease()).toEqual([]); // held
  });

  it('a disabled connection, live and not polled through its disable, is leased for its final poll, with its disable', async () => {
    await enabledConnection('conn-1');
    const [{ state }] = await lease();
    await states.finishReenableDeletes(state);
    await states.scheduleNext('conn-1', { runAt: NOW, pausedReason: null, idlePolls: 0 });
    const disabledAt = new Date(NOW.getTime() - 1_000);
    await db.dataSource.query(`UPDATE connection_setting SET enabled = false, changed_at = $1`, [disabledAt]);

    const [leased] = await lease();

    expect(leased.state.stage).toBe('live');
    expect(leased.disabledAt).toBe(disabledAt.getTime());
  });

  it('each transition saves what it names, onto the row and onto the state the step holds', async () => {
    await enabledConnection('conn-1');
    const [{ state }] = await lease();
    const stamp = new Date('2026-11-30T10:00:00.000Z');

    await states.recordImportCount(state, 40);
    await db.dataSource.transaction((m) =>
      states.recordImportPage(m, state, { after: { stamp, id: '00T1' }, imported: 20, failed: 1, stage: 'live' }),
    );
    await db.dataSource.transaction((m) =>
      states.advancePoll(m, state, {
        changesWatermark: stamp.getTime(),
        pollFrom: ENABLE.getTime(),
        after: { stamp: stamp.getTime(), id: '00T2' },
        polledThrough: NOW.getTime(),
      }),
    );
    await db.dataSource.transaction((m) => states.recordDeleteAudit(m, state, stamp, NOW));
    await states.scheduleNext('conn-1', { runAt: NOW, pausedReason: 'API_LIMIT', idlePolls: 2 });

    const expected = buildSyncState({
      connectionId: 'conn-1',
      enableAt: ENABLE,
      stage: 'live',
      importFound: 40,
      importAfterStamp: stamp,
      importAfterId: '00T1',
      importImported: 20,
      importFailed: 1,
      changesWatermark: stamp,
      pollFrom: ENABLE,
      pollAfterStamp: stamp,
      pollAfterId: '00T2',
      polledThrough: NOW,
      deletesWatermark: stamp,
      auditedAt: NOW,
    });
    expect(state).toEqual({ ...expected, leaseUntil: new Date(NOW.getTime() + 60_000) });
    // scheduleNext is saved on the row only (the step is over); the lease went with it.
    const [stored] = await lease({ now: new Date(NOW.getTime() + 1) });
    expect(stored.state).toEqual({
      ...expected,
      nextRunAt: NOW,
      pausedReason: 'API_LIMIT',
      idlePolls: 2,
      leaseUntil: new Date(NOW.getTime() + 1 + 60_000),
    });
  });
});
