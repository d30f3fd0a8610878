import type { FieldValue, Fields, TaskRecord } from './sandbox-records';
import { isArchived } from './task-archive';
import { toId18 } from './salesforce-id';

/** How to undo one step of a transaction: put a task's previous version back (null: remove it), or run a callback. */
type Undo = { id: string; previous: TaskRecord | null } | { undo: () => void };

/** The product's external id: indexed, so upserts and the 300 case stay fast in a 100,000-task org. */
const INDEXED_EXTERNAL_ID = 'SalesConnect_Task_Id__c';

/**
 * The sandbox's own order of changes: SystemModstamp, then Id. Stamps are whole seconds, so many
 * tasks tie; the Id (compared case-sensitively, as SOQL compares ids) keeps the order total.
 */
function compareByModstamp(a: TaskRecord, b: TaskRecord): number {
  const d = (a.fields.SystemModstamp as number) - (b.fields.SystemModstamp as number);
  if (d !== 0) return d;
  const ia = a.fields.Id as string;
  const ib = b.fields.Id as string;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** The first index of the sorted order whose task is not `before` (a prefix of it is). */
function firstIndexNot(sorted: readonly TaskRecord[], before: (t: TaskRecord) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(sorted[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where a task goes in the sorted order: after every task that does not sort after it. */
const insertionIndex = (sorted: TaskRecord[], task: TaskRecord): number =>
  firstIndexNot(sorted, (t) => compareByModstamp(t, task) <= 0);

/** `query` sees live tasks that are not archived; `queryAll` sees every one. */
const visibleTo = (queryAll: boolean, task: TaskRecord): boolean =>
  queryAll || (task.deletedAt === null && !isArchived(task.fields));

const cloneTask = (t: TaskRecord): TaskRecord => ({ ...t, fields: { ...t.fields } });

/** Replaced versions kept in the order before it is compacted even without a read. */
const COMPACT_AFTER = 1_000;

/**
 * Transactions nest (allOrNone Composite around an sObject Collections subrequest): an inner begin is
 * a savepoint, and only the outermost commit counts.
 */
export interface TaskWriteObserver {
  written(previous: TaskRecord | null, next: TaskRecord): void;
  transaction(phase: 'begin' | 'commit' | 'rollback'): void;
}

/**
 * Indexed for a 100,000-task org. The SystemModstamp order is appended to when the new stamp is the
 * latest (nearly always), else rebuilt lazily.
 */
export class TaskStore {
  private readonly byId = new Map<string, TaskRecord>();
  private readonly byExternalId = new Map<string, Set<string>>();
  private readonly deletedIds = new Set<string>();
  private sorted: TaskRecord[] | null = null;
  /** Versions replaced or removed but still in `sorted`: dropped in one pass when it is next read (a splice a write cost O(n) each). */
  private readonly unsorted = new Set<TaskRecord>();
  /** No task in the recycle bin was deleted before this (null: not known): the purge a read runs is a scan only when it can find something. */
  private oldestDeletedAt: number | null = null;
  private fieldViews: { live: Fields[]; all: Fields[] } | null = null;
  private journal: Undo[] | null = null;
  /** Where each open inner transaction starts in the journal. */
  private readonly savepoints: number[] = [];

  constructor(private readonly observer: TaskWriteObserver | null = null) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): TaskRecord | undefined {
    return this.byId.get(id);
  }

  insert(task: TaskRecord): void {
    const id = task.fields.Id as string;
    this.journal?.push({ id, previous: null });
    this.put(task);
    this.observer?.written(null, task);
  }

  /** Replaces a task with its new version (the caller built it from a copy). */
  replace(task: TaskRecord): void {
    const id = task.fields.Id as string;
    const previous = this.byId.get(id);
    if (previous === undefined) throw new Error(`no task ${id}`);
    this.journal?.push({ id, previous });
    this.remove(previous);
    this.put(task);
    this.observer?.written(previous, task);
  }

  /** Live tasks whose external id matches, case-insensitively as Salesforce's text external ids do. */
  findByExternalId(value: string): TaskRecord[] {
    const ids = this.byExternalId.get(value.toLowerCase());
    if (!ids) return [];
    return [...ids].map((id) => this.byId.get(id) as TaskRecord).filter((t) => t.deletedAt === null);
  }

  /**
   * Live tasks whose field holds the value, text case-insensitively (upsert by any external id
   * field, Unique checks): the index for SalesConnect_Task_Id__c, a scan for other fields.
   */
  findLiveByValue(fieldName: string, value: FieldValue): TaskRecord[] {
    if (fieldName === INDEXED_EXTERNAL_ID && typeof value === 'string') return this.findByExternalId(value);
    const norm = (v: FieldValue | undefined) => (typeof v === 'string' ? v.toLowerCase() : v);
    const wanted = norm(value);
    return [...this.byId.values()].filter((t) => t.deletedAt === null && norm(t.fields[fieldName]) === wanted);
  }

  /**
   * Deleting a custom field takes its values from every task, without a write (no SystemModstamp,
   * no change event), as Salesforce's field deletion does.
   */
  dropField(fieldName: string): void {
    for (const task of this.byId.values()) delete task.fields[fieldName];
    if (fieldName === INDEXED_EXTERNAL_ID) this.byExternalId.clear();
    this.fieldViews = null;
  }

  /** Every task (live and deleted) ordered by SystemModstamp, then Id. Do not mutate. */
  listByModstamp(): readonly TaskRecord[] {
    if (this.sorted === null) this.sorted = [...this.byId.values()].sort(compareByModstamp);
    else if (this.unsorted.size > 0) this.sorted = this.sorted.filter((t) => !this.unsorted.has(t));
    this.unsorted.clear();
    return this.sorted;
  }

  /**
   * The fields of these tasks (ids of 15 or 18 characters), in SystemModstamp order: what a query
   * restricted to `Id = …` or `Id IN (…)` scans, instead of the whole org. As listFieldsByModstamp.
   */
  fieldsOfIds(ids: readonly string[], queryAll: boolean): Fields[] {
    const tasks = new Set<TaskRecord>();
    for (const id of ids) {
      const task = this.byId.get(toId18(id));
      if (task && visibleTo(queryAll, task)) tasks.add(task);
    }
    return [...tasks].sort(compareByModstamp).map((t) => t.fields);
  }

  /**
   * The fields of tasks in SystemModstamp order, cached until the next write: what queries scan. `query`
   * sees live tasks that are not archived; `queryAll` adds the recycle bin and archived tasks.
   */
  listFieldsByModstamp(queryAll: boolean, from: number | null = null): readonly Fields[] {
    if (from !== null) return this.listFieldsFrom(queryAll, from);
    if (this.fieldViews === null) {
      const all: Fields[] = [];
      const live: Fields[] = [];
      for (const task of this.listByModstamp()) {
        all.push(task.fields);
        if (visibleTo(false, task)) live.push(task.fields);
      }
      this.fieldViews = { live, all };
    }
    return queryAll ? this.fieldViews.all : this.fieldViews.live;
  }

  /**
   * As listFieldsByModstamp, from the first task stamped at or after `from`: found by a binary search
   * of the order, so a poll's query costs the tasks it can match rather than the whole org.
   */
  private listFieldsFrom(queryAll: boolean, from: number): Fields[] {
    const sorted = this.listByModstamp();
    const fields: Fields[] = [];
    for (let i = firstIndexNot(sorted, (t) => (t.fields.SystemModstamp as number) < from); i < sorted.length; i++) {
      if (visibleTo(queryAll, sorted[i])) fields.push(sorted[i].fields);
    }
    return fields;
  }

  listDeleted(): TaskRecord[] {
    return [...this.deletedIds].map((id) => this.byId.get(id) as TaskRecord);
  }

  /** Empties the recycle bin of tasks deleted before `before`; returns the ids that went. */
  purgeDeletedBefore(before: number): string[] {
    if (this.oldestDeletedAt !== null && this.oldestDeletedAt >= before) return [];
    const purged: string[] = [];
    let oldest = Infinity;
    for (const id of this.deletedIds) {
      const task = this.byId.get(id) as TaskRecord;
      if ((task.deletedAt as number) < before) {
        this.remove(task);
        purged.push(id);
      } else oldest = Math.min(oldest, task.deletedAt as number);
    }
    this.oldestDeletedAt = oldest;
    return purged;
  }

  /**
   * Sets IsArchived. Salesforce's archive job is not a write: no new SystemModstamp, no change
   * event, nothing to undo; so the observer and the journal are not told. False if already archived.
   */
  archive(id: string): boolean {
    const current = this.byId.get(id);
    if (current === undefined) throw new Error(`no task ${id}`);
    if (isArchived(current.fields)) return false;
    const next = cloneTask(current);
    next.fields.IsArchived = true;
    this.remove(current);
    this.put(next);
    return true;
  }

  /** True between begin() and the matching commit() or rollback(). */
  get inTransaction(): boolean {
    return this.journal !== null;
  }

  /**
   * Inside a transaction, `undo` runs if it is rolled back (the org's change log uses it);
   * outside, the write it belongs to is already committed and nothing is kept.
   */
  onRollback(undo: () => void): void {
    this.journal?.push({ undo });
  }

  /** Starts recording undo steps (an allOrNone request); inside a transaction, a savepoint. */
  begin(): void {
    if (this.journal === null) this.journal = [];
    else this.savepoints.push(this.journal.length);
    this.observer?.transaction('begin');
  }

  commit(): void {
    if (this.journal === null) throw new Error('commit without begin');
    if (this.savepoints.pop() === undefined) this.journal = null;
    this.observer?.transaction('commit');
  }

  /** Undoes the writes since the matching begin(): the whole transaction, or back to the savepoint. */
  rollback(): void {
    if (this.journal === null) throw new Error('rollback without begin');
    const mark = this.savepoints.pop();
    const steps = this.journal.splice(mark ?? 0);
    if (mark === undefined) this.journal = null;
    this.observer?.transaction('rollback');
    for (const step of steps.reverse()) {
      if ('undo' in step) {
        step.undo();
        continue;
      }
      const current = this.byId.get(step.id);
      if (current) this.remove(current);
      if (step.previous) this.put(step.previous);
    }
  }

  toJSON(): TaskRecord[] {
    return [...this.byId.values()];
  }

  static fromJSON(tasks: TaskRecord[], observer: TaskWriteObserver | null = null): TaskStore {
    const store = new TaskStore(observer);
    for (const task of tasks) store.put(cloneTask(task));
    return store;
  }

  private put(task: TaskRecord): void {
    const id = task.fields.Id as string;
    this.byId.set(id, task);
    const ext = task.fields[INDEXED_EXTERNAL_ID];
    if (typeof ext === 'string') {
      const key = ext.toLowerCase();
      const set = this.byExternalId.get(key) ?? new Set<string>();
      set.add(id);
      this.byExternalId.set(key, set);
    }
    if (task.deletedAt !== null) {
      this.deletedIds.add(id);
      if (this.oldestDeletedAt !== null) this.oldestDeletedAt = Math.min(this.oldestDeletedAt, task.deletedAt);
    }
    // Writes stamp "now", so the new version usually goes last: append instead of re-sorting. In a
    // second shared with a task of a higher Id it goes just before it (a short splice near the end).
    // A version put back (a rollback) that is still in `sorted` is already in its place.
    if (this.sorted !== null && !this.unsorted.delete(task)) {
      const last = this.sorted[this.sorted.length - 1];
      if (last === undefined || compareByModstamp(last, task) <= 0) this.sorted.push(task);
      else this.sorted.splice(insertionIndex(this.sorted, task), 0, task);
    }
    this.fieldViews = null;
  }

  private remove(task: TaskRecord): void {
    const id = task.fields.Id as string;
    this.byId.delete(id);
    const ext = task.fields[INDEXED_EXTERNAL_ID];
    if (typeof ext === 'string') {
      const set = this.byExternalId.get(ext.toLowerCase());
      set?.delete(id);
      if (set?.size === 0) this.byExternalId.delete(ext.toLowerCase());
    }
    this.deletedIds.delete(id);
    if (this.sorted !== null) {
      this.unsorted.add(task);
      // Dropped in one pass once they are a good share of the order: memory stays bounded between reads.
      if (this.unsorted.size > COMPACT_AFTER && this.unsorted.size * 8 > this.sorted.length) this.listByModstamp();
    }
    this.fieldViews = null;
  }
}

export { cloneTask };
