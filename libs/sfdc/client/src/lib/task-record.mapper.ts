import { isCalendarDate, type CalendarDate, type TaskFields } from '@task-sync/task-domain';
import { mapSfdcTaskToFields } from '@task-sync/task-mapping';
import { parseSalesforceDateTime, type TaskRecord } from './task-soql';

/** Salesforce's `2026-11-24T10:00:00.000+0000` → `2026-11-24T10:00:00.000Z`. */
export const salesforceDateTimeToIso = (text: string): string => new Date(parseSalesforceDateTime(text)).toISOString();

/**
 * A queried Task's synced fields, with the e-mail of its Contact or Lead (looked up apart: not a
 * Task field). Throws when ActivityDate is not a calendar date, rather than move a due date.
 */
export function mapTaskRecordToFields(record: TaskRecord, whoEmail: string | null): TaskFields {
  if (record.ActivityDate !== null && !isCalendarDate(record.ActivityDate))
    throw new Error(`task ${record.Id}: ActivityDate ${JSON.stringify(record.ActivityDate)} is not a calendar date`);
  return mapSfdcTaskToFields({
    ...record,
    ActivityDate: record.ActivityDate as CalendarDate | null,
    WhoEmail: whoEmail,
  });
}
