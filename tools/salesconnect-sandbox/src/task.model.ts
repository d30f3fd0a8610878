export const TASK_STATUSES = ['Open', 'Complete'] as const;
export const TASK_PRIORITIES = ['Normal', 'High'] as const;
export const TASK_TYPES = ['call', 'email', 'other'] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type TaskType = (typeof TASK_TYPES)[number];

/** A Sales Connect task as the API returns it (field names follow the spec's mapping table). */
export interface Task {
  id: string;
  name: string;
  details: string;
  /** Calendar date `YYYY-MM-DD`, or null when the task has no due date. */
  dueDate: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  type: TaskType;
  contactEmail: string | null;
  /** The Sales Connect user who owns the task (always the caller: users own their own tasks). */
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** Grows by one on every change; send it back in `If-Match`. */
  version: number;
  /** The app that created the task and the one that changed it last (`X-Client-App`). */
  createdBy: string;
  lastModifiedBy: string;
  /** Set only on tombstones (the change feed and the admin listing). */
  deletedAt?: string;
}

/** What a caller may set; the rest is the sandbox's. */
export type EditableTaskFields = Pick<Task, 'name' | 'details' | 'dueDate' | 'priority' | 'type' | 'contactEmail'>;
