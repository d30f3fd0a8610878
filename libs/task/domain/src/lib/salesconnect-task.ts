import type { CalendarDate } from './calendar-date';

/** A Sales Connect task as its API returns it. Instants are ISO-8601 strings. */
export interface SalesConnectTask {
  id: string;
  /** The Sales Connect user who owns it (the connection's user). */
  userId: string;
  name: string;
  details: string;
  dueDate: CalendarDate | null;
  status: 'open' | 'complete';
  priority: 'normal' | 'high';
  type: 'call' | 'email' | 'other';
  contactEmail: string | null;
  /** Grows on every change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A deleted Sales Connect task, as the change feed reports it. */
export interface SalesConnectTombstone {
  id: string;
  userId: string;
  deletedAt: string;
}
