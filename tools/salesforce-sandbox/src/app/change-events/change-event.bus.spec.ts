import { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { TaskRecord } from '../sandbox-records';
import { TaskStore, cloneTask } from '../task.store';
import { restChangeOrigin } from './change-event';
import { ChangeEventBus, RETENTION_MS } from './change-event.bus';

const T0 = Date.parse('2026-11-24T10:00:00Z');

function task(id: string, fields: Record<string, unknown> = {}): TaskRecord {
  return {
    fields: {
      Id: id,
      Subject: 'Call',
      Description: null,
      ActivityDate: null,
      Status: 'Not Started',
      Priority: 'Normal',
      TaskSubtype: 'Task',
      WhoId: null,
      OwnerId: '005000000000001AAA',
      SalesConnect_Task_Id__c: null,
      IsClosed: false,
      IsDeleted: false,
      CreatedDate: T0,
      CreatedById: '005000000000001AAA',
      LastModifiedDate: T0,
      LastModifiedById: '005000000000001AAA',
      SystemModstamp: T0,
      ...fields,
    } as TaskRecord['fields'],
    deletedAt: null,
    lastModifiedByClient: null,
    changeOrigin: 'com/salesforce/api/rest/62.0',
  };
}

function setup(options: { maxRetainedPerOrg?: number } = {}) {
  const clock = new SandboxClock();
  clock.set(new Date(T0), { frozen: true });
  const bus = new ChangeEventBus(clock, options);
  const tasks = new TaskStore(bus.observerFor('org'));
  const all = () => bus.eventsAfter('org', 0, 1000).map((e) => e.data.payload);
  return { clock, bus, tasks, all };
}

describe('ChangeEventBus', () => {
  it('names the REST API version and the client of the call in changeOrigin', () => {
    expect(restChangeOrigin({ version: 'v62.0', client: null })).toBe('com/salesforce/api/rest/62.0');
    expect(restChangeOrigin({ version: 'v59.0', client: 'task-sync' })).toBe(
      'com/salesforce/api/rest/59.0;client=task-sync',
    );
  });

  it('turns each write outside a transaction into its own event, with increasing replay ids', () => {
    const { bus, tasks, all } = setup();
    tasks.insert(task('00T1'));
    const next = cloneTask(tasks.get('00T1') as TaskRecord);
    Object.assign(next.fields, { Subject: 'Call back', LastModifiedDate: T0 + 1000, SystemModstamp: T0 + 1000 });
    tasks.replace(next);
    const events = bus.eventsAfter('org', 0, 10);
    expect(events.map((e) => e.data.payload.ChangeEventHeader.changeType)).toEqual(['CREATE', 'UPDATE']);
    expect(events[1].replayId).toBeGreaterThan(events[0].replayId);
    expect(all()[1]).toEqual({
      ChangeEventHeader: expect.objectContaining({ changedFields: ['Subject', 'LastModifiedDate'] }),
      Subject: 'Call back',
      LastModifiedDate: '2026-11-24T10:00:01Z',
    });
    expect(events[0].data.payload.ChangeEventHeader.transactionKey).not.toBe(
      events[1].data.payload.ChangeEventHeader.transactionKey,
    );
  });

  it('publishes a transaction at commit, drops it on rollback, and merges the same change to several records', () => {
    const { bus, tasks } = setup();
    tasks.begin();
    tasks.insert(task('00T1'));
    tasks.insert(task('00T2', { Subject: 'Other' }));
    expect(bus.eventsAfter('org', 0, 10)).toEqual([]);
    tasks.rollback();
    expect(bus.eventsAfter('org', 0, 10)).toEqual([]);
    tasks.begin();
    tasks.insert(task('00T3'));
    tasks.insert(task('00T4'));
    tasks.insert(task('00T5', { Subject: 'Other' }));
    tasks.commit();
    const headers = bus.eventsAfter('org', 0, 10).map((e) => e.data.payload.ChangeEventHeader);
    expect(headers.map((h) => [h.recordIds, h.sequenceNumber])).toEqual([
      [['00T3', '00T4'], 1],
      [['00T5'], 2],
    ]);
    expect(new Set(headers.map((h) => h.transactionKey)).size).toBe(1);
  });

  it('nests transactions: an inner rollback drops only its own writes, and the outermost commit publishes one transaction', () => {
    const { bus, tasks } = setup();
    tasks.begin();
    tasks.insert(task('00T1'));
    tasks.begin();
    tasks.insert(task('00T2'));
    tasks.rollback();
    tasks.begin();
    tasks.insert(task('00T3'));
    tasks.commit();
    expect(bus.eventsAfter('org', 0, 10)).toEqual([]);
    tasks.commit();
    const headers = bus.eventsAfter('org', 0, 10).map((e) => e.data.payload.ChangeEventHeader);
    expect(headers.map((h) => h.recordIds)).toEqual([['00T1', '00T3']]);
    expect(tasks.get('00T2')).toBeUndefined();
  });

  it('publishes nothing when the outermost transaction rolls back, whatever its inner ones committed', () => {
    const { bus, tasks } = setup();
    tasks.begin();
    tasks.begin();
    tasks.insert(task('00T1'));
    tasks.commit();
    tasks.rollback();
    expect(bus.eventsAfter('org', 0, 10)).toEqual([]);
    expect(tasks.size).toBe(0);
  });

  it('writes no event while Task is not selected for Change Data Capture', () => {
    const { bus, tasks } = setup();
    bus.configure('org', { taskSelected: false });
    tasks.insert(task('00T1'));
    expect(bus.eventsAfter('org', 0, 10)).toEqual([]);
  });

  it('replays from -1, -2 or a stored id, and refuses an id that left the 72-hour window', () => {
    const { bus, tasks, clock } = setup();
    tasks.insert(task('00T1'));
    const [first] = bus.eventsAfter('org', 0, 10);
    expect(bus.eventsAfter('org', bus.cursorFor('org', -1) as number, 10)).toEqual([]);
    expect(bus.eventsAfter('org', bus.cursorFor('org', -2) as number, 10)).toHaveLength(1);
    clock.advance(RETENTION_MS - 1000);
    tasks.insert(task('00T2'));
    expect(
      bus
        .eventsAfter('org', bus.cursorFor('org', first.replayId) as number, 10)
        .map((e) => e.data.payload.ChangeEventHeader.recordIds),
    ).toEqual([['00T2']]);
    clock.advance(2000);
    expect(bus.cursorFor('org', first.replayId)).toBeNull();
    expect(bus.eventsAfter('org', bus.cursorFor('org', -2) as number, 10)).toHaveLength(1);
  });

  it('keeps at most the per-org cap (dropped ids can no longer be replayed from)', () => {
    const { bus, tasks } = setup({ maxRetainedPerOrg: 10 });
    for (let i = 0; i < 25; i++) tasks.insert(task(`00T${i}`));
    const retained = bus.eventsAfter('org', 0, 100);
    expect(retained.length).toBeLessThanOrEqual(11);
    expect(bus.cursorFor('org', retained[0].replayId - 1)).toBeNull();
    expect(bus.cursorFor('org', retained[0].replayId)).toBe(retained[0].replayId);
  });

  it('counts deliveries against the daily allocation, per UTC day of the sandbox clock', () => {
    const { bus, clock } = setup();
    bus.configure('org', { dailyDeliveryAllocation: 5 });
    bus.countDeliveries('org', 5);
    expect(bus.remainingDeliveries('org')).toBe(0);
    clock.advance(86_400_000);
    expect(bus.remainingDeliveries('org')).toBe(5);
  });
});
