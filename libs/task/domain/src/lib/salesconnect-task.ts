import type { CalendarDate } from './calendar-date';

/** A Sales Connect task as its API returns it (values as in the spec's mapping table). */
export interface SalesConnectTask {
  id: string;
  /** The Sales Connect user who owns it (the connection's user). */
  ownerId: string;
  name: string;
  details: string;
  dueDate: CalendarDate | null;
  status: 'Open' | 'Complete';
  priority: 'Normal' | 'High';
  type: 'call' | 'email' | 'other';
  contactEmail: string | null;
  /** Grows on every change; sent back in `If-Match`. */
  version: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** The app that created the task and the one that changed it last (`X-Client-App`). */
  createdBy: string;
  lastModifiedBy: string;
  /** Only on tombstones: the change feed reports a deleted task with the time it went. */
  deletedAt?: string;
}
