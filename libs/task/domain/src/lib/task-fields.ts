import type { CalendarDate } from './calendar-date';

/**
 * The fields the sync keeps equal, in neither side's vocabulary. A link remembers them as last
 * synced; each side is compared with it through its own view (see task-mapping).
 */
export interface TaskFields {
  /** Sales Connect name / Salesforce Subject. */
  title: string;
  /** Sales Connect details / Salesforce Description. */
  details: string;
  /** Sales Connect due date / Salesforce ActivityDate. */
  dueDate: CalendarDate | null;
  /** Open or complete. Salesforce: from `IsClosed`, not the status label. */
  open: boolean;
  /**
   * Normal or high. `null` means "no opinion": what Salesforce's `Low` maps to, so it never
   * overwrites Sales Connect's priority.
   */
  priority: 'normal' | 'high' | null;
  type: 'call' | 'email' | 'other';
  /** The contact's e-mail (Salesforce: the Contact or Lead behind `WhoId`). */
  contactEmail: string | null;
}

export type TaskFieldName = keyof TaskFields;

export const TASK_FIELD_NAMES: readonly TaskFieldName[] = [
  'title',
  'details',
  'dueDate',
  'open',
  'priority',
  'type',
  'contactEmail',
];
