import type { OrgState } from './org.store';
import type { Fields, FieldValue } from './sandbox-records';
import { isSalesforceIdShape, toId15, toId18 } from './salesforce-id';
import { isValidDate, parseSfdcDateTime, toWholeSecond } from './sfdc-datetime';
import { SfdcError } from './sfdc-error';
import { schemaFor, type SchemaView } from './org-schema';
import type { FieldDef } from './sobject-schema';
import { checkRecordTypeId } from './org-rules/record-types';

export const tooLong = (field: FieldDef, value: string): SfdcError =>
  new SfdcError(
    400,
    'STRING_TOO_LONG',
    `${field.label}: data value too large: ${value.slice(0, 40)}${value.length > 40 ? '...' : ''} (max length=${field.length})`,
    [field.name],
  );

const jsonError = (field: FieldDef, value: unknown): SfdcError =>
  new SfdcError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${field.type} from VALUE_STRING value ${String(value)} or request may be missing a required field`,
  );

function referenceExists(org: OrgState, field: FieldDef, id: string): boolean {
  const targets = field.referenceTo ?? [];
  const id15 = toId15(id);
  const inMap = (map: Map<string, unknown>): boolean => [...map.keys()].some((k) => toId15(k) === id15);
  return (
    (targets.includes('Contact') && inMap(org.contacts)) ||
    (targets.includes('Lead') && inMap(org.leads)) ||
    (targets.includes('User') && inMap(org.users)) ||
    (targets.includes('Account') && inMap(org.accounts))
  );
}

function checkValue(org: OrgState, field: FieldDef, value: unknown): FieldValue {
  if (value === null) {
    if (!field.nillable)
      throw new SfdcError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
    return null;
  }
  switch (field.type) {
    case 'date':
      // ActivityDate is a calendar date; a datetime here would invite a time-zone shift, so it is refused.
      if (typeof value !== 'string' || !isValidDate(value)) throw jsonError(field, value);
      return value;
    case 'picklist':
      if (typeof value !== 'string') throw jsonError(field, value);
      if (!field.picklist?.some((p) => p.value === value)) {
        throw new SfdcError(
          400,
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${field.label}: bad value for restricted picklist field: ${value}`,
          [field.name],
        );
      }
      return value;
    case 'reference': {
      if (typeof value !== 'string' || !isSalesforceIdShape(value))
        throw new SfdcError(400, 'MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(value)}`, [
          field.name,
        ]);
      if (field.name === 'RecordTypeId') return checkRecordTypeId(org.rules.recordTypes, value);
      if (!referenceExists(org, field, value))
        throw new SfdcError(400, 'FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${value}`, [
          field.name,
        ]);
      return toId18(value);
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw jsonError(field, value);
      return value;
    case 'datetime': {
      // Stored as epoch ms in whole seconds, as every sandbox datetime.
      const ms = typeof value === 'string' ? parseSfdcDateTime(value) : null;
      if (ms === null) throw jsonError(field, value);
      return toWholeSecond(ms);
    }
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw jsonError(field, value);
      if (Math.abs(value) >= 10 ** (field.digits ?? 18))
        throw new SfdcError(
          400,
          'NUMBER_OUTSIDE_VALID_RANGE',
          `${field.label}: value outside of valid range on numeric field: ${value}`,
          [field.name],
        );
      return value;
    default:
      if (typeof value !== 'string') throw jsonError(field, value);
      if (field.length !== undefined && value.length > field.length) throw tooLong(field, value);
      return value;
  }
}

/** A field a create must set: required (nillable false) with no server default, as a required custom field is. */
const isRequiredOnCreate = (f: FieldDef): boolean =>
  f.createable && !f.nillable && f.defaultedOnCreate !== true && f.type !== 'boolean';

/** Fields the writer's field-level security hides are INVALID_FIELD, as if they did not exist. */
export function validateTaskWrite(
  org: OrgState,
  body: Record<string, unknown>,
  mode: 'create' | 'update',
  schema: SchemaView = schemaFor(org),
): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'attributes') continue;
    const field = schema.field('Task', key);
    if (!field) throw new SfdcError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type Task`, [key]);
    if (mode === 'create' ? !field.createable : !field.updateable) {
      throw new SfdcError(
        400,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to ${mode} fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        [field.name],
      );
    }
    out[field.name] = checkValue(org, field, value);
  }
  if (mode === 'create') {
    const missing = schema
      .fields('Task')
      .filter((f) => isRequiredOnCreate(f) && (out[f.name] ?? null) === null)
      .map((f) => f.name);
    if (missing.length > 0)
      throw new SfdcError(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
  }
  return out;
}

/**
 * A Unique field refuses a value another live task holds (case-insensitively, Setup's default for
 * text): DUPLICATE_VALUE, worded as Salesforce does. `written`: the fields the save set (all of a
 * new task's); `selfId`: the task being updated.
 */
export function checkUniqueValues(
  org: OrgState,
  record: Fields,
  written: readonly string[],
  selfId: string | null,
): void {
  for (const field of org.taskFields) {
    const value = record[field.name];
    if (!field.unique || !written.includes(field.name) || value === null || value === undefined) continue;
    const other = org.tasks.findLiveByValue(field.name, value).find((t) => t.fields.Id !== selfId);
    if (other)
      throw new SfdcError(
        400,
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${other.fields.Id as string}`,
        [],
      );
  }
}
