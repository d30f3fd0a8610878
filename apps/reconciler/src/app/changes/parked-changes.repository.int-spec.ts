import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import {
  AddSalesforceIdentityToConnectionSetting1764000000101,
  CreateConnectionSetting1764000000100,
} from '@task-sync/data-access-connection-settings';
import {
  CreateDeletionsAwaitingCreate1764000000440,
  CreateParkedChanges1764000000401,
  CreateTaskLinks1764000000400,
} from '../links/migrations';
import type { SyncChange } from '@task-sync/sync-rules';
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
        CreateTaskLinks1764000000400,
        CreateParkedChanges1764000000401,
        CreateDeletionsAwaitingCreate1764000000440,
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

  describe('deletions of a task no link names, while the sync may still be creating it (mustAwaitOwnCreate)', () => {
    const deletion = (connectionId: string, side: 'salesconnect' | 'sfdc', taskId: string) => ({
      connectionId,
      change: { side, kind: 'delete', taskId } as SyncChange,
    });
    const link = async (connectionId: string, ids: { sc?: string; sfdc?: string }, unlinked = false) => {
      const [{ id }]: { id: string }[] = await db.dataSource.query(
        `INSERT INTO task_link (connection_id, salesconnect_task_id, sfdc_task_id, link, unlinked_at)
         VALUES ($1, $2, $3, '{}', $4) RETURNING id`,
        [connectionId, ids.sc ?? null, ids.sfdc ?? null, unlinked ? new Date() : null],
      );
      return id;
    };
    const queueWrite = async (connectionId: string, linkId: string, side: string, type: string) => {
      const [{ id }]: { id: string }[] = await db.dataSource.query(
        `INSERT INTO task_write (connection_id, link_id, side, action) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`,
        [connectionId, linkId, side, JSON.stringify({ type })],
      );
      return id;
    };

    it('a create in flight counts on its own side only, and never an update; a link counts while live, on the side named', async () => {
      const creating = await link('own-a', { sfdc: '00T000000000001AAA' });
      await queueWrite('own-a', creating, 'salesconnect', 'create');
      await queueWrite(
        'own-a',
        await link('own-a', { sc: 'sct_edited', sfdc: '00T000000000002AAA' }),
        'sfdc',
        'update',
      );
      await link('own-a', { sc: 'sct_gone', sfdc: '00T000000000003AAA' }, true);
      const states = await parked.unlinkedDeletions(db.dataSource, [
        deletion('own-a', 'salesconnect', 'sct_unknown'),
        deletion('own-a', 'sfdc', '00T00000000000XAAA'),
        deletion('own-a', 'salesconnect', 'sct_edited'),
        deletion('own-a', 'sfdc', '00T000000000002AAA'),
        deletion('own-a', 'salesconnect', 'sct_gone'),
        deletion('own-b', 'salesconnect', 'sct_unknown'),
      ]);
      expect(states).toEqual([
        { createInFlight: true, linkedNow: false },
        { createInFlight: false, linkedNow: false },
        { createInFlight: true, linkedNow: true },
        { createInFlight: false, linkedNow: true },
        { createInFlight: true, linkedNow: false },
        { createInFlight: false, linkedNow: false },
      ]);
    });

    it('a write round that has not committed shows its create in flight; once it commits, the link names the task', async () => {
      const linkId = await link('own-c', { sfdc: '00T000000000004AAA' });
      const writeId = await queueWrite('own-c', linkId, 'salesconnect', 'create');
      const asked = () => parked.unlinkedDeletions(db.dataSource, [deletion('own-c', 'salesconnect', 'sct_made')]);
      await db.dataSource.transaction(async (round) => {
        // What markLanded does in the round's transaction, after the call created the task.
        await round.query(`UPDATE task_link SET salesconnect_task_id = 'sct_made' WHERE id = $1`, [linkId]);
        await round.query(`DELETE FROM task_write WHERE id = $1`, [writeId]);
        expect(await asked()).toEqual([{ createInFlight: true, linkedNow: false }]);
      });
      expect(await asked()).toEqual([{ createInFlight: false, linkedNow: true }]);
    });

    it('waiting deletions come back once no create of their side is queued, or once they waited long enough; held rows are skipped', async () => {
      const linkId = await link('own-d', { sfdc: '00T000000000005AAA' });
      const writeId = await queueWrite('own-d', linkId, 'salesconnect', 'create');
      const since = Date.parse('2026-12-06T10:00:00.250Z');
      expect(await parked.anyDeletionAwaiting(db.dataSource)).toBe(false);
      await parked.awaitCreates(db.dataSource, [
        { ...deletion('own-d', 'salesconnect', 'sct_d1'), waitingSinceMs: since },
        { ...deletion('own-d', 'sfdc', '00T000000000006AAA'), waitingSinceMs: since + 1_000 },
      ]);
      expect(await parked.anyDeletionAwaiting(db.dataSource)).toBe(true);
      const ready = (waitedUpTo: number) =>
        db.dataSource.transaction((m) => parked.lockDeletionsReady(m, new Date(waitedUpTo), 10));
      // The Salesforce one has no create of its side queued; the Sales Connect one waits for its create.
      expect((await ready(since - 1)).map((r) => [r.connectionId, r.change.taskId, r.waitingSinceMs])).toEqual([
        ['own-d', '00T000000000006AAA', since + 1_000],
      ]);
      expect((await ready(since)).map((r) => r.change.taskId)).toEqual(['sct_d1', '00T000000000006AAA']);
      await db.dataSource.query(`DELETE FROM task_write WHERE id = $1`, [writeId]);
      await db.dataSource.transaction(async (holder) => {
        const held = await parked.lockDeletionsReady(holder, new Date(since - 1), 1);
        expect(held.map((r) => r.change.taskId)).toEqual(['sct_d1']);
        expect((await ready(since - 1)).map((r) => r.change.taskId)).toEqual(['00T000000000006AAA']);
        await parked.releaseDeletions(
          holder,
          held.map((r) => r.id),
        );
      });
      expect((await ready(since - 1)).map((r) => r.change.taskId)).toEqual(['00T000000000006AAA']);
    });
  });
});
