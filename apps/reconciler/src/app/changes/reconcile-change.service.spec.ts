import { Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { Logger } from '@nestjs/common';
import { OWN_CREATE_WAIT_MS, type ConnectionSyncSettings, type SyncChange } from '@task-sync/sync-rules';
import { buildTaskFields } from '@task-sync/task-domain/testing';
import { InMemoryParkedChanges, InMemoryTaskLinks, InMemoryWriteQueue } from '../testing/in-memory-repositories';
import type { Transactions } from '../transactions';
import { ReconcileChangeService, type RunSettings } from './reconcile-change.service';

const CONNECTION = 'conn-1';
const FIRST_ENABLE = '2026-11-20T12:00:00.000Z';
const enabled: ConnectionSyncSettings = {
  enabled: true,
  history: [{ kind: 'first-enable', at: FIRST_ENABLE }],
  salesforceUserId: null,
};
const fields = buildTaskFields();

/** A Sales Connect task created and changed while sync is on: R6 creates it in Salesforce. */
const created = (taskId: string, changedAt: string): SyncChange => ({
  side: 'salesconnect',
  kind: 'upsert',
  taskId,
  fields: { ...fields, title: `Call ${taskId}` },
  changedAt,
  createdAt: changedAt,
  origin: 'salesconnect-ui',
  source: 'live',
});

/** The service on in-memory repositories; `coveredUpTo`: how far the settings view holds every setting change (ms). */
function setUp(coveredUpTo: number) {
  const links = new InMemoryTaskLinks();
  const queue = new InMemoryWriteQueue();
  const parked = new InMemoryParkedChanges(links, queue);
  const statements: string[] = [];
  // Only the task timeline's batch insert reaches the database itself; it is counted, not run.
  const db = { query: (async (sql: string) => void statements.push(sql)) as EntityManager['query'] };
  const dataSource: Transactions = { query: db.query, transaction: (run) => run(db as EntityManager) };
  const view = { coveredUpTo, covers: async (instantMs: number) => instantMs <= view.coveredUpTo };
  const service = new ReconcileChangeService(
    dataSource,
    { SYNC_CLIENT_NAME: 'task-sync' },
    view,
    { registry: new Registry() },
    parked,
    links,
    queue,
  );
  parked.settings.set(CONNECTION, enabled);
  return { service, parked, links, queue, view, db, statements };
}

describe('ReconcileChangeService: changes → the rules → links, writes and conflicts stored (in-memory repositories)', () => {
  let setup: ReturnType<typeof setUp>;
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => setup.service.onModuleDestroy());

  it('decides a change on its link and stores what it decided: the new link, and the create queued for the other side', async () => {
    setup = setUp(Date.now());
    await setup.service.decide(setup.db, [
      { connectionId: CONNECTION, change: created('sct_1', '2026-11-21T09:00:00.000Z'), settings: enabled },
    ]);
    const [link] = [...setup.links.links.values()];
    expect(link).toMatchObject({
      connectionId: CONNECTION,
      salesConnectTaskId: 'sct_1',
      sfdcTaskId: null,
      unlinked: false,
    });
    expect(setup.queue.rows.map((r) => [r.linkId, r.side, r.write.type])).toEqual([[link.id, 'sfdc', 'create']]);
    // The paired task's timeline (its read and the decision) in the same transaction.
    expect(setup.statements.filter((s) => s.includes('task_activity'))).toHaveLength(1);
  });

  it('a later change of the same task in the run finds the link the first one made: one pair, its writes in order', async () => {
    setup = setUp(Date.now());
    const first = created('sct_1', '2026-11-21T09:00:00.000Z');
    const edit = { ...first, fields: { ...fields, title: 'Call Ana back' }, changedAt: '2026-11-21T09:05:00.000Z' };
    await setup.service.decide(
      setup.db,
      [first, edit].map((change) => ({ connectionId: CONNECTION, change, settings: enabled })),
    );
    expect(setup.links.links.size).toBe(1);
    expect(setup.queue.rows.map((r) => r.write.type)).toEqual(['create', 'update']);
  });

  it('a Salesforce change read within its own whole-second stamp is not parked: the run waits for the clock to pass that second, then asks', async () => {
    setup = setUp(0);
    // connector-settings' answer covers up to the moment it is asked, as its watermark does.
    const asked: number[] = [];
    setup.view.covers = async (instantMs: number) => {
      asked.push(Date.now());
      setup.view.coveredUpTo = Date.now() - 1;
      return instantMs <= setup.view.coveredUpTo;
    };
    const second = Math.floor(Date.now() / 1000) * 1000;
    const change: SyncChange = {
      ...created('00T000000000001AAA', new Date(second).toISOString()),
      side: 'sfdc',
      origin: null,
    };
    await setup.service.prepareSettingsFor([change]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeGreaterThan(second + 999);
    const run: RunSettings = await setup.service.runSettingsFor(setup.db, [CONNECTION]);
    expect(await setup.service.parkIfSettingUnknown(setup.db, CONNECTION, change, run)).toEqual({
      parked: false,
      settings: enabled,
    });
  });

  it('parks a change the settings view does not cover yet, and every later change of its connection in the run, in order', async () => {
    setup = setUp(Date.parse('2026-11-21T09:00:00.000Z'));
    const run: RunSettings = new Map();
    const ahead = created('sct_1', new Date(Date.now() - 1_000).toISOString());
    const covered = created('sct_2', '2026-11-21T08:00:00.000Z');
    expect(await setup.service.parkIfSettingUnknown(setup.db, CONNECTION, ahead, run)).toEqual({ parked: true });
    expect(await setup.service.parkIfSettingUnknown(setup.db, CONNECTION, covered, run)).toEqual({ parked: true });
    expect(setup.parked.parked.map((p) => p.change.taskId)).toEqual(['sct_1', 'sct_2']);
    expect(setup.links.links.size).toBe(0);
  });

  it('a change the view covers, of a connection with nothing parked, is decided on the setting read once for the run', async () => {
    setup = setUp(Date.now());
    const run: RunSettings = new Map();
    expect(
      await setup.service.parkIfSettingUnknown(setup.db, CONNECTION, created('sct_1', '2026-11-21T09:00:00.000Z'), run),
    ).toEqual({ parked: false, settings: enabled });
    expect(run.get(CONNECTION)).toEqual({ parked: false, settings: enabled });
    expect(setup.parked.parked).toEqual([]);
  });

  it('releases parked changes in order once the view covers them, and keeps the first it does not cover with every later one', async () => {
    setup = setUp(Date.parse('2026-11-21T08:00:00.000Z'));
    const run: RunSettings = new Map();
    for (const [taskId, at] of [
      ['sct_1', '2026-11-21T09:00:00.000Z'],
      ['sct_2', '2026-11-21T09:30:00.000Z'],
      ['sct_3', '2026-11-21T10:30:00.000Z'],
      ['sct_4', '2026-11-21T09:10:00.000Z'],
    ]) {
      await setup.service.parkIfSettingUnknown(setup.db, CONNECTION, created(taskId, at), run);
    }
    setup.view.coveredUpTo = Date.parse('2026-11-21T10:00:00.000Z');
    expect(await setup.service.releaseParked()).toBe(2);
    expect([...setup.links.links.values()].map((l) => l.salesConnectTaskId)).toEqual(['sct_1', 'sct_2']);
    expect(setup.parked.parked.map((p) => p.change.taskId)).toEqual(['sct_3', 'sct_4']);
    setup.view.coveredUpTo = Date.now();
    expect(await setup.service.releaseParked()).toBe(2);
    expect(setup.parked.parked).toEqual([]);
    expect(setup.queue.rows.map((r) => r.write.type)).toEqual(['create', 'create', 'create', 'create']);
  });

  it('releases nothing while no connection has parked changes', async () => {
    setup = setUp(Date.now());
    expect(await setup.service.releaseParked()).toBe(0);
  });

  describe('R6: a deletion of the copy the sync is still creating waits for the create, then deletes the other side', () => {
    const madeInSalesforce: SyncChange = {
      ...created('00T000000000001AAA', '2026-11-21T09:00:00.000Z'),
      side: 'sfdc',
      origin: null,
    };
    const copyDeleted: SyncChange = {
      side: 'salesconnect',
      kind: 'delete',
      taskId: 'sct_copy',
      fields: null,
      changedAt: '2026-11-21T09:00:05.000Z',
      createdAt: null,
      origin: 'salesconnect-ui',
      source: 'live',
    };
    const decide = (change: SyncChange) =>
      setup.service.decide(setup.db, [{ connectionId: CONNECTION, change, settings: enabled }]);

    it('read before the write round stored the copy’s id, it waits; once the create landed it deletes the Salesforce task', async () => {
      setup = setUp(Date.now());
      await decide(madeInSalesforce);
      expect(setup.queue.rows.map((r) => [r.side, r.write.type])).toEqual([['salesconnect', 'create']]);
      await decide(copyDeleted);
      expect(setup.parked.awaitingCreate.map((a) => a.change.taskId)).toEqual(['sct_copy']);
      expect(await setup.service.releaseDeletionsAwaitingCreate()).toBe(0);

      // The round commits: the link names the copy, the create leaves the queue (markLanded).
      const [link] = [...setup.links.links.values()];
      link.salesConnectTaskId = 'sct_copy';
      setup.queue.rows.splice(0);
      expect(await setup.service.releaseDeletionsAwaitingCreate()).toBe(1);
      expect(setup.parked.awaitingCreate).toEqual([]);
      expect(setup.queue.rows.map((r) => [r.side, r.write.type])).toEqual([['sfdc', 'delete']]);
      expect(setup.links.links.get(link.id)?.unlinked).toBe(true);
    });

    it('the sync’s own delete coming back is decided at once, creates in flight or not', async () => {
      setup = setUp(Date.now());
      await decide(madeInSalesforce);
      await decide({ ...copyDeleted, taskId: 'sct_unlinked_before', origin: 'task-sync' });
      expect(setup.parked.awaitingCreate).toEqual([]);
    });

    it('with no create of its side in flight it is decided at once: a task the sync never paired stays ignored', async () => {
      setup = setUp(Date.now());
      await decide(copyDeleted);
      expect(setup.parked.awaitingCreate).toEqual([]);
      expect(setup.queue.rows).toEqual([]);
    });

    it('decided again while a create is still in flight it keeps waiting, from when it first waited, until OWN_CREATE_WAIT_MS', async () => {
      setup = setUp(Date.now());
      await decide(madeInSalesforce);
      const since = Date.now() - OWN_CREATE_WAIT_MS + 60_000;
      await setup.service.decide(setup.db, [
        { connectionId: CONNECTION, change: copyDeleted, settings: enabled, waitingSinceMs: since },
      ]);
      expect(setup.parked.awaitingCreate.map((a) => a.waitingSinceMs)).toEqual([since]);
      setup.parked.awaitingCreate.splice(0);
      await setup.service.decide(setup.db, [
        { connectionId: CONNECTION, change: copyDeleted, settings: enabled, waitingSinceMs: since - 60_000 },
      ]);
      expect(setup.parked.awaitingCreate).toEqual([]);
      expect(setup.queue.rows.map((r) => r.write.type)).toEqual(['create']);
    });
  });
});
