import { z } from 'zod';
import type { Fields } from '../sandbox-records';
import { toId15 } from '../salesforce-id';
import { SfdcError } from '../sfdc-error';

/** Salesforce's id for the Master record type, the same in every org. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

/** A Task record type: the RecordType row SOQL reads, and the Status values it allows. */
export interface TaskRecordType {
  /** Id, DeveloperName, Name, SobjectType, IsActive, … and the audit fields. */
  fields: Fields;
  statuses: string[];
  defaultStatus: string;
  /** The org's default (what a user without an assignment of their own gets). */
  isDefault: boolean;
}

export const newRecordType = z.object({
  // Salesforce's API-name rule: a letter first, then letters, digits and single underscores.
  developerName: z
    .string()
    .regex(/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/, 'developerName: letters, digits and single underscores, a letter first')
    .max(80),
  name: z.string().min(1).max(80),
  statuses: z.array(z.string().min(1)).min(1),
  defaultStatus: z.string().min(1),
  default: z.boolean().optional(),
});
export type NewRecordType = z.infer<typeof newRecordType>;

export const recordTypeAssignment = z.union([
  z.object({ recordTypeId: z.string().min(15) }),
  z.object({ developerName: z.string().min(1) }),
]);

export function findRecordType(recordTypes: readonly TaskRecordType[], id: string): TaskRecordType | undefined {
  const id15 = toId15(id);
  return recordTypes.find((rt) => toId15(rt.fields.Id as string) === id15);
}

export function findRecordTypeByName(
  recordTypes: readonly TaskRecordType[],
  developerName: string,
): TaskRecordType | undefined {
  return recordTypes.find((rt) => (rt.fields.DeveloperName as string).toLowerCase() === developerName.toLowerCase());
}

/** A RecordTypeId a write may set: one of the org's Task record types, else Salesforce's refusal. */
export function checkRecordTypeId(recordTypes: readonly TaskRecordType[], id: string): string {
  const recordType = findRecordType(recordTypes, id);
  if (!recordType)
    throw new SfdcError(
      400,
      'INVALID_CROSS_REFERENCE_KEY',
      `Record Type ID: this ID value isn't valid for the user: ${id}`,
      ['RecordTypeId'],
    );
  return recordType.fields.Id as string;
}

/** A user's default Task record type: their own assignment, else the org's default. */
export function userDefaultRecordType(
  recordTypes: readonly TaskRecordType[],
  assignments: Readonly<Record<string, string>>,
  userId: string,
): TaskRecordType | undefined {
  const own = assignments[userId];
  return (
    (own ? findRecordType(recordTypes, own) : undefined) ?? recordTypes.find((rt) => rt.isDefault) ?? recordTypes[0]
  );
}

/** The first record type is the org's default whatever it says; a new default replaces the old one. */
export function buildRecordType(
  input: NewRecordType,
  existing: readonly TaskRecordType[],
  isStatus: (value: string) => boolean,
  isClosed: (value: string) => boolean,
  audit: Fields & { Id: string },
): TaskRecordType {
  if (findRecordTypeByName(existing, input.developerName))
    throw new Error(`a Task record type ${input.developerName} exists already`);
  const unknown = input.statuses.filter((s) => !isStatus(s));
  if (unknown.length > 0) throw new Error(`not statuses of this org: ${unknown.join(', ')}`);
  if (!input.statuses.includes(input.defaultStatus))
    throw new Error(`defaultStatus ${input.defaultStatus} is not one of the record type's statuses`);
  if (isClosed(input.defaultStatus))
    throw new Error(`the default status cannot be a closed one (${input.defaultStatus})`);
  return {
    fields: {
      ...audit,
      Name: input.name,
      DeveloperName: input.developerName,
      NamespacePrefix: null,
      Description: null,
      BusinessProcessId: null,
      SobjectType: 'Task',
      IsActive: true,
    },
    statuses: [...new Set(input.statuses)],
    defaultStatus: input.defaultStatus,
    isDefault: existing.length === 0 || input.default === true,
  };
}

/**
 * Master stays listed but unavailable once there are others. Which Status values a record type allows
 * is not part of describe (Salesforce answers that in describe/layouts and the UI API only).
 */
export function describeRecordTypeInfos(
  objectName: string,
  version: string,
  recordTypes: readonly TaskRecordType[],
  userDefault: TaskRecordType | undefined,
): Record<string, unknown>[] {
  const info = (
    id: string,
    developerName: string,
    name: string,
    master: boolean,
    available: boolean,
    isDefault: boolean,
  ) => ({
    active: true,
    available,
    defaultRecordTypeMapping: isDefault,
    developerName,
    master,
    name,
    recordTypeId: id,
    urls: { layout: `/services/data/${version}/sobjects/${objectName}/describe/layouts/${id}` },
  });
  const own = [...recordTypes]
    .sort((a, b) => (a.fields.Name as string).localeCompare(b.fields.Name as string))
    .map((rt) =>
      info(
        rt.fields.Id as string,
        rt.fields.DeveloperName as string,
        rt.fields.Name as string,
        false,
        true,
        rt === userDefault,
      ),
    );
  return [...own, info(MASTER_RECORD_TYPE_ID, 'Master', 'Master', true, own.length === 0, own.length === 0)];
}
