import type { Fields } from '../sandbox-records';
import type { FieldDef } from '../sobject-schema';
import type { TaskRecordType } from './record-types';
import { taskStatusPicklist } from './task-statuses';

/** Task.RecordTypeId, which an org's Task has only once it has Task record types (as in Salesforce). */
export const RECORD_TYPE_ID_FIELD: FieldDef = {
  name: 'RecordTypeId',
  label: 'Record Type ID',
  type: 'reference',
  createable: true,
  updateable: true,
  nillable: true,
  // Left out of a create, it is the writer's default record type.
  defaultedOnCreate: true,
  referenceTo: ['RecordType'],
  relationshipName: 'RecordType',
  permissionable: false,
};

/**
 * An org's Task field list with what its statuses and record types decide: Status's picklist is the
 * org's TaskStatus values, and RecordTypeId is there when Task has record types (after Id, where
 * Salesforce's describe lists it). A new list, as schema views are cached per list.
 */
export function withOrgRuleFields(
  fields: readonly FieldDef[],
  taskStatuses: readonly Fields[],
  recordTypes: readonly TaskRecordType[],
): FieldDef[] {
  const out = fields
    .filter((f) => f.name !== RECORD_TYPE_ID_FIELD.name)
    .map((f) => (f.name === 'Status' ? { ...f, picklist: taskStatusPicklist(taskStatuses) } : f));
  if (recordTypes.length > 0) out.splice(out.findIndex((f) => f.name === 'Id') + 1, 0, RECORD_TYPE_ID_FIELD);
  return out;
}
