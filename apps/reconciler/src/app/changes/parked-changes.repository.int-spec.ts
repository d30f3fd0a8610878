import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import {
  AddSalesforceIdentityToConnectionSetting1764000000101,
  CreateConnectionSetting1764000000100,
} from '@task-sync/data-access-connection-settings';
import { CreateParkedChanges1764000000401 } from '../links/migrations';
import { ParkedChangesRepository } from './parked-changes.repository';

describe('ParkedChangesRepository: parked changes in the order they are decided, and the state a run starts from (real PostgreSQL)', () => {
  let db: TestDatabase;
  const parked = new ParkedChangesRepository();

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'parked_change_spec',
      migrations: [
        CreateConnectionSetting1764000000100,
        AddSalesforceIdentityToConnectionSetting1764000000101,
        CreateParkedChanges1764000000401,
      ],
    });
  });
  afterAll(() => db.drop());

  const park = (id: number, connectionId: string, taskId: string) =>
    db.dataSource.query(`INSERT INTO parked_change (id, connection_id, change) VALUES ($1, $2, $3)`, [
      id,
      connectionId,
      JSON.stringify({ side: 'sfdc', kind: 'upsert', taskId }),
    ]);

  it('in the order parked, ids past a power of ten included, and only the connection asked for', async () => {
    await park(9, 'conn-a', 'created');
    await park(10, 'conn-a', 'deleted');
    await park(11, 'conn-b', 'other');
    await park(100, 'conn-a', 'later');
    const rows = await db.dataSource.transaction((m) => parked.lockForRelease(m, 'conn-a'));
    expect(rows.map((r) => [r.id, r.change.taskId])).toEqual([
      ['9', 'created'],
      ['10', 'deleted'],
      ['100', 'later'],
    ]);
  });

  it('skips the rows another transaction holds', async () => {
    await park(200, 'conn-c', 'first');
    await db.dataSource.transaction(async (holder) => {
      expect((await parked.lockForRelease(holder, 'conn-c')).map((r) => r.id)).toEqual(['200']);
      await park(201, 'conn-c', 'second');
      const seen = await db.dataSource.transaction((m) => parked.lockForRelease(m, 'conn-c'));
      expect(seen.map((r) => r.id)).toEqual(['201']);
    });
  });

  it("reads every connection's state of a run in one statement: parked or not, its setting and its history in order, and an unknown one as not enabled", async () => {
    await db.dataSource.query(
      `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, changed_at, sfdc_user_id)
       VALUES ('state-on', 't', 'u1', true, 'UTC', now(), '005000000000001AAA'), ('state-parked', 't', 'u2', false, 'UTC', now(), null)`,
    );
    await db.dataSource.query(
      `INSERT INTO connection_setting_change (event_id, connection_id, kind, changed_at)
       VALUES (gen_random_uuid(), 'state-on', 're-enable', '2026-12-02T10:00:00.123Z'), (gen_random_uuid(), 'state-on', 'first-enable', '2026-12-01T10:00:00Z')`,
    );
    await park(300, 'state-parked', 'waiting');
    const states = await parked.connectionStates(db.dataSource, [
      'state-on',
      'state-parked',
      'state-unknown',
      'state-on',
    ]);
    expect(Object.fromEntries(states)).toEqual({
      'state-on': {
        parked: false,
        settings: {
          enabled: true,
          salesforceUserId: '005000000000001AAA',
          history: [
            { kind: 'first-enable', at: '2026-12-01T10:00:00.000Z' },
            { kind: 're-enable', at: '2026-12-02T10:00:00.123Z' },
          ],
        },
      },
      'state-parked': { parked: true, settings: { enabled: false, salesforceUserId: null, history: [] } },
      'state-unknown': { parked: false, settings: { enabled: false, salesforceUserId: null, history: [] } },
    });
    expect(await parked.connectionState(db.dataSource, 'state-on')).toEqual(states.get('state-on'));
  });

  it("answers a connection's Sales Connect user, enabled or not, and null for a connection whose setting is not known here", async () => {
    await db.dataSource.query(
      `INSERT INTO connection_setting (connection_id, tenant_id, user_id, enabled, time_zone, changed_at)
       VALUES ('user-on', 't', 'scu_on', true, 'UTC', now()), ('user-off', 't', 'scu_off', false, 'UTC', now())`,
    );
    expect(await parked.salesConnectUserOf(db.dataSource, 'user-on')).toBe('scu_on');
    expect(await parked.salesConnectUserOf(db.dataSource, 'user-off')).toBe('scu_off');
    expect(await parked.salesConnectUserOf(db.dataSource, 'user-unknown')).toBeNull();
  });
});
