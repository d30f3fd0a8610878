import { decodeCursor, encodeCursor } from './feed-cursor';
import { newId } from './ids';
import type { EditableTaskFields, Task } from './task.model';
import type { CreateTaskInput, ListTasksQuery, UpdateTaskInput } from './task.validation';

/** A task as stored: deleted ones stay as tombstones (admin listing, snapshot). */
export interface StoredTask {
  /** Insertion order, for stable list paging. */
  sequence: number;
  task: Task;
}

export type WriteResult =
  | { ok: true; task: Task; changed: boolean; changedFields: string[] }
  | { ok: false; error: 'NOT_FOUND' }
  | { ok: false; error: 'VERSION_CONFLICT'; currentVersion: number };

export type ListResult =
  { ok: true; items: Task[]; nextCursor: string | null } | { ok: false; error: 'INVALID_CURSOR' };

const EDITABLE: (keyof EditableTaskFields)[] = ['name', 'details', 'dueDate', 'priority', 'type', 'contactEmail'];

export class TaskStore {
  private tasks = new Map<string, StoredTask>();
  private lastSequence = 0;

  create(ownerId: string, input: CreateTaskInput, origin: string, now: Date): Task {
    const at = now.toISOString();
    const task: Task = {
      id: newId('sct'),
      name: input.name,
      details: input.details,
      dueDate: input.dueDate,
      status: input.status,
      priority: input.priority,
      type: input.type,
      contactEmail: input.contactEmail,
      ownerId,
      createdAt: at,
      updatedAt: at,
      completedAt: input.status === 'Complete' ? at : null,
      version: 1,
      createdBy: origin,
      lastModifiedBy: origin,
    };
    this.tasks.set(task.id, { sequence: ++this.lastSequence, task });
    return { ...task };
  }

  /** A live task of this owner; another user's task or a deleted one is "not found". */
  get(ownerId: string, id: string): Task | undefined {
    const stored = this.tasks.get(id);
    if (stored === undefined || stored.task.ownerId !== ownerId || stored.task.deletedAt !== undefined)
      return undefined;
    return { ...stored.task };
  }

  update(
    ownerId: string,
    id: string,
    patch: UpdateTaskInput,
    expectedVersion: number | undefined,
    origin: string,
    now: Date,
  ): WriteResult {
    return this.write(ownerId, id, expectedVersion, origin, now, (task) => {
      const changedFields = EDITABLE.filter((f) => patch[f] !== undefined && patch[f] !== task[f]);
      for (const field of changedFields) Object.assign(task, { [field]: patch[field] });
      return changedFields;
    });
  }

  setStatus(
    ownerId: string,
    id: string,
    status: Task['status'],
    expectedVersion: number | undefined,
    origin: string,
    now: Date,
  ): WriteResult {
    return this.write(ownerId, id, expectedVersion, origin, now, (task) => {
      if (task.status === status) return [];
      task.status = status;
      task.completedAt = status === 'Complete' ? now.toISOString() : null;
      return ['status', 'completedAt'];
    });
  }

  delete(ownerId: string, id: string, expectedVersion: number | undefined, origin: string, now: Date): WriteResult {
    return this.write(ownerId, id, expectedVersion, origin, now, (task) => {
      task.deletedAt = now.toISOString();
      return ['deletedAt'];
    });
  }

  list(ownerId: string, query: ListTasksQuery): ListResult {
    let after = 0;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor('tasks', query.cursor);
      if (decoded === null) return { ok: false, error: 'INVALID_CURSOR' };
      after = decoded;
    }
    const updatedSinceMs = query.updatedSince === undefined ? undefined : Date.parse(query.updatedSince);
    const ids = query.ids === undefined ? undefined : new Set(query.ids);
    const matching = [...this.tasks.values()].filter(
      ({ sequence, task }) =>
        sequence > after &&
        task.ownerId === ownerId &&
        (task.deletedAt === undefined || query.includeDeleted === true) &&
        (ids === undefined || ids.has(task.id)) &&
        (query.status === undefined || task.status === query.status) &&
        // Calendar dates compare correctly as strings (YYYY-MM-DD); tasks without a due date never match a due filter.
        (query.dueFrom === undefined || (task.dueDate !== null && task.dueDate >= query.dueFrom)) &&
        (query.dueTo === undefined || (task.dueDate !== null && task.dueDate <= query.dueTo)) &&
        (updatedSinceMs === undefined || Date.parse(task.updatedAt) >= updatedSinceMs),
    );
    const page = matching.slice(0, query.limit);
    const nextCursor = matching.length > query.limit ? encodeCursor('tasks', page[page.length - 1].sequence) : null;
    return { ok: true, items: page.map((s) => ({ ...s.task })), nextCursor };
  }

  /** Every task of every user, tombstones included (admin inspection). */
  all(): Task[] {
    return [...this.tasks.values()].map((s) => ({ ...s.task }));
  }

  dump(): { lastSequence: number; tasks: StoredTask[] } {
    return { lastSequence: this.lastSequence, tasks: [...this.tasks.values()] };
  }

  load(state: { lastSequence: number; tasks: StoredTask[] }): void {
    this.tasks = new Map(state.tasks.map((s) => [s.task.id, s]));
    this.lastSequence = state.lastSequence;
  }

  clear(): void {
    this.tasks.clear();
  }

  /** Applies a change when the version matches; a change that changes nothing keeps the version. */
  private write(
    ownerId: string,
    id: string,
    expectedVersion: number | undefined,
    origin: string,
    now: Date,
    apply: (task: Task) => string[],
  ): WriteResult {
    const stored = this.tasks.get(id);
    if (stored === undefined || stored.task.ownerId !== ownerId || stored.task.deletedAt !== undefined)
      return { ok: false, error: 'NOT_FOUND' };
    if (expectedVersion !== undefined && expectedVersion !== stored.task.version) {
      return { ok: false, error: 'VERSION_CONFLICT', currentVersion: stored.task.version };
    }
    const draft: Task = { ...stored.task };
    const changedFields = apply(draft);
    if (changedFields.length === 0) return { ok: true, task: { ...stored.task }, changed: false, changedFields };
    draft.version += 1;
    draft.updatedAt = now.toISOString();
    draft.lastModifiedBy = origin;
    stored.task = draft;
    return { ok: true, task: { ...draft }, changed: true, changedFields };
  }
}
