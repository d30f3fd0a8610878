import type { SalesConnectTask, TaskFields } from '@task-sync/task-domain';

export function mapSalesConnectTaskToFields(task: SalesConnectTask): TaskFields {
  return {
    title: task.name,
    details: task.details,
    dueDate: task.dueDate,
    open: task.status === 'Open',
    priority: task.priority === 'High' ? 'high' : 'normal',
    type: task.type,
    contactEmail: normaliseEmail(task.contactEmail),
  };
}

/** The Sales Connect API body (create or partial update) that sets these fields. */
export interface SalesConnectTaskWrite {
  name?: string;
  details?: string;
  dueDate?: TaskFields['dueDate'];
  status?: SalesConnectTask['status'];
  priority?: SalesConnectTask['priority'];
  type?: TaskFields['type'];
  contactEmail?: string | null;
}

export function mapFieldsToSalesConnectWrite(fields: Partial<TaskFields>): SalesConnectTaskWrite {
  const write: SalesConnectTaskWrite = {};
  if (fields.title !== undefined) write.name = fields.title;
  if (fields.details !== undefined) write.details = fields.details;
  if (fields.dueDate !== undefined) write.dueDate = fields.dueDate;
  if (fields.open !== undefined) write.status = fields.open ? 'Open' : 'Complete';
  // null (Salesforce's Low) leaves Sales Connect's priority as it is.
  if (fields.priority !== undefined && fields.priority !== null)
    write.priority = fields.priority === 'high' ? 'High' : 'Normal';
  if (fields.type !== undefined) write.type = fields.type;
  if (fields.contactEmail !== undefined) write.contactEmail = fields.contactEmail;
  return write;
}

/** E-mails compare case-insensitively on both sides. */
export function normaliseEmail(email: string | null): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}
