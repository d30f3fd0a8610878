import type { Side, TaskFields } from '@task-sync/task-domain';

/** A write the decisions queued for one side of a task (the reconciler's task_write.action). */
export type QueuedWrite =
  | { type: 'create'; fields: TaskFields }
  | { type: 'update'; fields: Partial<TaskFields> }
  | { type: 'complete' | 'reopen' | 'delete' };

export interface QueuedRow {
  id: string;
  linkId: string;
  side: Side;
  action: QueuedWrite;
  due: boolean;
}

export interface CoalescedWrite {
  linkId: string;
  side: Side;
  /** `none`: a create and a delete cancelled out before either reached the side. */
  kind: 'create' | 'update' | 'delete' | 'none';
  fields: Partial<TaskFields>;
  rowIds: string[];
}

/**
 * One write per record also keeps an sObject Collections call free of the same record twice. Writes
 * behind one waiting for its retry wait too, so a task's writes never overtake each other.
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
