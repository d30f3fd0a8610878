import type { Task } from './task.model';

export const CHANGE_TYPES = ['created', 'updated', 'completed', 'reopened', 'deleted'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** One entry of the change feed; also the body of a webhook delivery. */
export interface Change {
  /** Pass it back as `?cursor=` to read the changes after this one. */
  cursor: string;
  sequence: number;
  type: ChangeType;
  taskId: string;
  /** The tenant the task's owner belongs to: user ids are only unique within a tenant for a receiver. */
  tenantId: string;
  userId: string;
  occurredAt: string;
  /** The app that made the write (`X-Client-App`), so the sync can recognise its own echoes. */
  origin: string;
  /** Fields an update changed; absent for other types. */
  changedFields?: string[];
  /** The task after the change; for `deleted`, a tombstone with `deletedAt`. */
  task: Task;
}
