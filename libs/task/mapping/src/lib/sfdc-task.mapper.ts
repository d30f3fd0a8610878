import { SFDC_PRIORITY, type SfdcTask, type TaskFields } from '@task-sync/task-domain';
import { chooseSfdcStatus, STANDARD_STATUS_MODEL } from './sfdc-status';
import { normaliseEmail } from './salesconnect-task.mapper';
import { fitDescription, fitSubject } from './text-limits';

const TYPE_FROM_SUBTYPE: Readonly<Record<string, TaskFields['type']>> = { Call: 'call', Email: 'email', Task: 'other' };
const SUBTYPE_FROM_TYPE: Readonly<Record<TaskFields['type'], string>> = { call: 'Call', email: 'Email', other: 'Task' };

/**
 * A Salesforce task's synced fields. Open or complete comes from `IsClosed` (the org's TaskStatus),
 * so `In Progress`, `Deferred` and every other open status are Open. `Low` has no opinion (null).
 */
export function mapSfdcTaskToFields(task: SfdcTask): TaskFields {
  return {
    title: task.Subject ?? '',
    details: task.Description ?? '',
    dueDate: task.ActivityDate,
    open: !task.IsClosed,
    priority: task.Priority === SFDC_PRIORITY.high ? 'high' : task.Priority === SFDC_PRIORITY.normal ? 'normal' : null,
    type: TYPE_FROM_SUBTYPE[task.TaskSubtype ?? 'Task'] ?? 'other',
    contactEmail: normaliseEmail(task.WhoEmail),
  };
}

/** The `Task` fields to send. `WhoEmail` is resolved to a `WhoId` by the writer (a Contact or Lead lookup). */
export interface SfdcTaskWrite {
  Subject?: string;
  Description?: string;
  ActivityDate?: TaskFields['dueDate'];
  Status?: string;
  Priority?: string;
  TaskSubtype?: string;
  WhoEmail?: string | null;
}

/**
 * The Salesforce fields that set these synced fields. Only the fields given are written, so an
 * open Salesforce status (`In Progress`) is never overwritten while Sales Connect says Open, and
 * `Low` is never replaced unless Sales Connect's priority itself changed. Sales Connect never
 * writes `Low`. `statusFor` names the org's status for Open and Complete (`chooseSfdcStatus`);
 * without it, a new org's `Not Started` and `Completed`.
 */
export function mapFieldsToSfdcWrite(
  fields: Partial<TaskFields>,
  statusFor: (open: boolean) => string = (open) => chooseSfdcStatus(STANDARD_STATUS_MODEL, open),
): SfdcTaskWrite {
  const write: SfdcTaskWrite = {};
  if (fields.title !== undefined) write.Subject = fitSubject(fields.title);
  if (fields.details !== undefined) write.Description = fitDescription(fields.details);
  if (fields.dueDate !== undefined) write.ActivityDate = fields.dueDate;
  if (fields.open !== undefined) write.Status = statusFor(fields.open);
  if (fields.priority !== undefined && fields.priority !== null) {
    write.Priority = fields.priority === 'high' ? SFDC_PRIORITY.high : SFDC_PRIORITY.normal;
  }
  if (fields.type !== undefined) write.TaskSubtype = SUBTYPE_FROM_TYPE[fields.type];
  if (fields.contactEmail !== undefined) write.WhoEmail = fields.contactEmail;
  return write;
}
