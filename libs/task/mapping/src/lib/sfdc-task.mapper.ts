import { SFDC_PRIORITY, type SfdcTask, type TaskFields } from '@task-sync/task-domain';
import { chooseSfdcStatus, STANDARD_STATUS_MODEL } from './sfdc-status';
import { normaliseEmail } from './salesconnect-task.mapper';
import { fitDescription, fitSubject } from './text-limits';

const TYPE_FROM_SUBTYPE: Readonly<Record<string, TaskFields['type']>> = { Call: 'call', Email: 'email', Task: 'other' };
const SUBTYPE_FROM_TYPE: Readonly<Record<TaskFields['type'], string>> = { call: 'Call', email: 'Email', other: 'Task' };

/** Open comes from `IsClosed`, not the label, so every open status (`In Progress`, …) is Open. */
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
 * Only the fields given are written, so an open status like `In Progress` survives Sales Connect's
 * Open, and `Low` survives until Sales Connect's priority itself changes.
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
