import type { Fields, TaskRecord } from './sandbox-records';
import { DAY_MS } from './sfdc-datetime';

/** Salesforce's default archive age for activities (an org can ask Support for up to 3,650). */
export const ARCHIVE_AFTER_DAYS = 365;

/** `IsArchived` is absent on tasks stored before the field existed: not archived. */
export const isArchived = (fields: Fields): boolean => fields.IsArchived === true;

/** Whole days from a `YYYY-MM-DD` date to the UTC day of `nowMs`. */
function daysSince(date: string, nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) - Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/**
 * Salesforce's archive criteria for tasks ("Archived Activities", SOAP API guide): closed, and an
 * ActivityDate at least `olderThanDays` old, or no ActivityDate and created at least that long ago.
 * Days of the due date are counted in UTC (the sandbox has no org time zone).
 */
export function isDueForArchive(fields: Fields, nowMs: number, olderThanDays = ARCHIVE_AFTER_DAYS): boolean {
  if (fields.IsClosed !== true) return false;
  if (typeof fields.ActivityDate === 'string') return daysSince(fields.ActivityDate, nowMs) >= olderThanDays;
  return nowMs - (fields.CreatedDate as number) >= olderThanDays * DAY_MS;
}

/** The live, not yet archived tasks the archive job would take now. */
export function selectTasksToArchive(
  tasks: Iterable<TaskRecord>,
  nowMs: number,
  olderThanDays = ARCHIVE_AFTER_DAYS,
): string[] {
  const ids: string[] = [];
  for (const task of tasks) {
    if (task.deletedAt === null && !isArchived(task.fields) && isDueForArchive(task.fields, nowMs, olderThanDays))
      ids.push(task.fields.Id as string);
  }
  return ids;
}
