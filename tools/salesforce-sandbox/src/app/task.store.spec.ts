import type { TaskRecord } from './sandbox-records';
import { cloneTask, TaskStore } from './task.store';
import { toId18 } from './salesforce-id';

const task = (n: number, stamp: number, ext: string | null = null): TaskRecord => ({
  fields: { Id: `00T00000000000${n}AAA`, SystemModstamp: stamp, SalesConnect_Task_Id__c: ext },
  deletedAt: null,
  lastModifiedByClient: null,
});
const order = (store: TaskStore): string[] => store.listByModstamp().map((t) => (t.fields.Id as string).slice(14, 15));

describe('TaskStore', () => {
  it('keeps SystemModstamp order through appends, out-of-order writes and replacements', () => {
    const store = new TaskStore();
    [task(1, 10), task(2, 20), task(3, 30)].forEach((t) => store.insert(t));
    expect(order(store)).toEqual(['1', '2', '3']);
    const moved = cloneTask(store.get('00T000000000001AAA') as TaskRecord);
    moved.fields.SystemModstamp = 40;
    store.replace(moved);
    expect(order(store)).toEqual(['2', '3', '1']);
    store.insert(task(4, 5)); // a clock set back in time
    expect(order(store)).toEqual(['4', '2', '3', '1']);
  });

  it('finds by external id case-insensitively, live tasks only', () => {
    const store = new TaskStore();
    store.insert(task(1, 10, 'SC-1'));
    const deleted = task(2, 20, 'sc-1');
    deleted.deletedAt = 20;
    store.insert(deleted);
    expect(store.findByExternalId('sc-1').map((t) => t.fields.Id)).toEqual(['00T000000000001AAA']);
  });

  it('rolls back inserts and replacements', () => {
    const store = new TaskStore();
    store.insert(task(1, 10));
    store.begin();
    store.insert(task(2, 20));
    const changed = cloneTask(store.get('00T000000000001AAA') as TaskRecord);
    changed.fields.SystemModstamp = 30;
    store.replace(changed);
    store.rollback();
    expect(store.size).toBe(1);
    expect(store.get('00T000000000001AAA')?.fields.SystemModstamp).toBe(10);
    expect(order(store)).toEqual(['1']);
  });

  it('nests transactions: an inner rollback undoes back to its savepoint, the outer one undoes everything', () => {
    const store = new TaskStore();
    const undone: string[] = [];
    store.begin();
    store.insert(task(1, 10));
    store.onRollback(() => undone.push('log 1'));
    store.begin();
    store.insert(task(2, 20));
    store.onRollback(() => undone.push('log 2'));
    store.rollback();
    expect([store.size, store.inTransaction, undone]).toEqual([1, true, ['log 2']]);
    store.begin();
    store.insert(task(3, 30));
    store.commit();
    store.rollback();
    expect([store.size, store.inTransaction, undone]).toEqual([0, false, ['log 2', 'log 1']]);
  });

  it('keeps nothing to undo outside a transaction', () => {
    const store = new TaskStore();
    const undone: string[] = [];
    store.onRollback(() => undone.push('log'));
    store.begin();
    store.rollback();
    expect(undone).toEqual([]);
  });

  it('purges the recycle bin by deletion time', () => {
    const store = new TaskStore();
    const old = task(1, 10);
    old.deletedAt = 100;
    store.insert(old);
    store.insert(task(2, 20));
    expect(store.purgeDeletedBefore(101)).toEqual(['00T000000000001AAA']);
    expect(store.listFieldsByModstamp(true)).toHaveLength(1);
  });

  it('purges a task deleted earlier than the oldest it had seen once that time has passed', () => {
    const store = new TaskStore();
    const later = task(1, 10);
    later.deletedAt = 100;
    store.insert(later);
    expect(store.purgeDeletedBefore(50)).toEqual([]);
    const earlier = task(2, 20);
    earlier.deletedAt = 30; // restored from a snapshot or a rollback: older than what the bin held
    store.insert(earlier);
    expect(store.purgeDeletedBefore(50)).toEqual(['00T000000000002AAA']);
    expect(store.purgeDeletedBefore(101)).toEqual(['00T000000000001AAA']);
  });

  it('lists each task once, in order, when a rollback puts back a version the order still holds or has dropped', () => {
    for (const listBetween of [false, true]) {
      const store = new TaskStore();
      [task(1, 10), task(2, 20), task(3, 30)].forEach((t) => store.insert(t));
      expect(order(store)).toEqual(['1', '2', '3']);
      store.begin();
      const moved = cloneTask(store.get('00T000000000001AAA') as TaskRecord);
      moved.fields.SystemModstamp = 40;
      store.replace(moved);
      if (listBetween) expect(order(store)).toEqual(['2', '3', '1']);
      store.rollback();
      expect(order(store)).toEqual(['1', '2', '3']);
      expect(store.listFieldsByModstamp(true).map((f) => f.SystemModstamp)).toEqual([10, 20, 30]);
    }
  });

  it('keeps the order right through thousands of replacements with no read between them', () => {
    const store = new TaskStore();
    [task(1, 10), task(2, 20)].forEach((t) => store.insert(t));
    expect(order(store)).toEqual(['1', '2']);
    for (let stamp = 30; stamp < 2_530; stamp++) {
      const id = stamp % 2 === 0 ? '00T000000000001AAA' : '00T000000000002AAA';
      const next = cloneTask(store.get(id) as TaskRecord);
      next.fields.SystemModstamp = stamp;
      store.replace(next);
    }
    expect(order(store)).toEqual(['1', '2']);
    expect(store.listFieldsByModstamp(true).map((f) => f.SystemModstamp)).toEqual([2_528, 2_529]);
  });

  it('reads tasks by 15- or 18-character id in SystemModstamp order, the recycle bin only for queryAll', () => {
    const store = new TaskStore();
    const deleted = task(1, 30);
    deleted.deletedAt = 30;
    const second = task(2, 20);
    second.fields.Id = toId18('00T000000000002');
    [deleted, second, task(3, 10)].forEach((t) => store.insert(t));
    const ids = [
      '00T000000000001AAA',
      '00T000000000002',
      '00T000000000003AAA',
      '00T000000000003AAA',
      '00T000000000009AAA',
    ];
    expect(store.fieldsOfIds(ids, false).map((f) => f.SystemModstamp)).toEqual([10, 20]);
    expect(store.fieldsOfIds(ids, true).map((f) => f.SystemModstamp)).toEqual([10, 20, 30]);
  });

  it('archives without a write: query hides the task, queryAll keeps it, same stamp and order, nothing observed or undone', () => {
    const written: string[] = [];
    const store = new TaskStore({
      written: (_previous, next) => written.push(next.fields.Id as string),
      transaction: () => undefined,
    });
    [task(1, 10), task(2, 20), task(3, 30)].forEach((t) => store.insert(t));
    written.length = 0;
    store.begin();
    expect(store.archive('00T000000000002AAA')).toBe(true);
    expect(store.archive('00T000000000002AAA')).toBe(false);
    store.rollback();
    expect(written).toEqual([]);
    expect(store.get('00T000000000002AAA')?.fields).toMatchObject({ IsArchived: true, SystemModstamp: 20 });
    expect(store.listFieldsByModstamp(false).map((f) => f.Id)).toEqual(['00T000000000001AAA', '00T000000000003AAA']);
    expect(order(store)).toEqual(['1', '2', '3']);
  });

  it('orders tasks that share a whole-second stamp by Id, whatever order they were written in', () => {
    const store = new TaskStore();
    store.listByModstamp(); // the sorted index exists, so writes splice into it
    [task(3, 1000), task(1, 1000), task(2, 1000), task(4, 2000)].forEach((t) => store.insert(t));
    expect(order(store)).toEqual(['1', '2', '3', '4']);
    const moved = cloneTask(store.get('00T000000000003AAA') as TaskRecord);
    moved.fields.SystemModstamp = 2000;
    store.replace(moved);
    expect(order(store)).toEqual(['1', '2', '3', '4']);
    expect([...store.listByModstamp()]).toEqual(
      [...store.listByModstamp()].sort(
        (a, b) =>
          (a.fields.SystemModstamp as number) - (b.fields.SystemModstamp as number) ||
          ((a.fields.Id as string) < (b.fields.Id as string) ? -1 : 1),
      ),
    );
  });

  it('lists the tasks stamped from an instant on as the whole list does, past replacements, deletes and archives', () => {
    const store = new TaskStore();
    for (let n = 1; n <= 9; n++) store.insert(task(n, n * 10));
    store.listByModstamp();
    const moved = cloneTask(store.get('00T000000000002AAA') as TaskRecord);
    moved.fields.SystemModstamp = 95;
    store.replace(moved);
    const deleted = cloneTask(store.get('00T000000000006AAA') as TaskRecord);
    deleted.deletedAt = 60;
    store.replace(deleted);
    const ids = (fields: readonly { Id?: unknown }[]) => fields.map((f) => (f.Id as string).slice(14, 15));
    for (const queryAll of [false, true]) {
      for (const from of [0, 30, 31, 60, 95, 96]) {
        const whole = store.listFieldsByModstamp(queryAll).filter((f) => (f.SystemModstamp as number) >= from);
        expect(ids(store.listFieldsByModstamp(queryAll, from))).toEqual(ids(whole));
      }
    }
    expect(ids(store.listFieldsByModstamp(false, 60))).toEqual(['7', '8', '9', '2']);
  });
});
