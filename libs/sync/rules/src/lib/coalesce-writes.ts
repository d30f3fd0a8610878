import type { Side, TaskFields } from '@task-sync/task-domain';

/** A write the decisions queued for one side of a task (the reconciler's task_write.action). */
export type QueuedWrite =
  | { type: 'create'; fields: TaskFields }
  | { type: 'update'; fields: Partial<TaskFields> }
  | { type: 'complete' | 'reopen' | 'delete' };

/** A queued write as folding needs it: its row id (numeric text), task, side, action, and whether it is due. */
export interface QueuedRow {
  id: string;
  linkId: string;
  side: Side;
  action: QueuedWrite;
  /** Whether its retry time has come. */
  due: boolean;
}

/** What one task on one side needs, after every queued write for it was folded in order. */
export interface CoalescedWrite {
  linkId: string;
  side: Side;
  /** `none`: a create and a delete cancelled out before either reached the side. */
  kind: 'create' | 'update' | 'delete' | 'none';
  fields: Partial<TaskFields>;
  rowIds: string[];
}

/**
 * Folds the queued writes of each task into one: create + edits is one create, edits are one update
 * (later values win), anything + delete is a delete, create + delete is nothing. One write per
 * record also keeps an sObject Collections call free of the same record twice. A task's writes
 * after one that is waiting to be retried wait too, so a task's writes never overtake each other.
 */
export function coalesceWrites(rows: readonly QueuedRow[]): CoalescedWrite[] {
  const byTask = new Map<string, CoalescedWrite>();
  const blocked = new Set<string>();
  for (const row of rows) {
    const key = `${row.side}:${row.linkId}`;
    if (blocked.has(key)) continue;
    if (!row.due) {
      blocked.add(key);
      continue;
    }
    const current = byTask.get(key) ?? {
      linkId: row.linkId,
      side: row.side,
      kind: 'update' as CoalescedWrite['kind'],
      fields: {},
      rowIds: [],
    };
    const started = byTask.has(key);
    current.rowIds.push(row.id);
    const action = row.action;
    if (action.type === 'create') {
      current.kind = 'create';
      current.fields = { ...action.fields };
    } else if (action.type === 'delete') {
      current.kind = current.kind === 'create' || current.kind === 'none' ? 'none' : 'delete';
      current.fields = {};
    } else if (current.kind !== 'delete' && current.kind !== 'none') {
      const patch = action.type === 'update' ? action.fields : { open: action.type === 'reopen' };
      current.fields = { ...current.fields, ...patch };
      if (!started) current.kind = 'update';
    }
    byTask.set(key, current);
  }
  return [...byTask.values()];
}
