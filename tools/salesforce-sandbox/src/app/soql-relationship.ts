import type { OrgState } from './org.store';
import type { Fields, FieldValue } from './sandbox-records';
import { toId15 } from './salesforce-id';
import { SfdcError } from './sfdc-error';
import type { SchemaView } from './org-schema';
import { KEY_PREFIX, toId18 } from './salesforce-id';
import { findSObject, NAME_OBJECT_FIELDS, type FieldDef, type SObjectName } from './sobject-schema';

/** A record a reference points at, with its type (a WhoId is a Contact or a Lead). */
export interface ParentRecord {
  type: SObjectName;
  fields: Fields;
}

/** Finds the record behind a reference id (15 or 18 characters); null when there is none. */
export type ParentLookup = (id: string) => ParentRecord | null;

/** `Who.Email` resolved against the schema: the reference it goes through and the parent's field. */
export interface RelationshipPath {
  /** The relationship name as the schema spells it (`Who`): the key of the nested answer. */
  relationshipName: string;
  reference: FieldDef;
  /** Polymorphic relationships answer the `Name` pseudo-object (attributes.type "Name"). */
  polymorphic: boolean;
  target: FieldDef;
}

/** Several fields of one relationship in SELECT, answered as one nested record. */
export interface RelationshipSelect {
  relationshipName: string;
  reference: FieldDef;
  polymorphic: boolean;
  fields: FieldDef[];
}

export type SelectItem = FieldDef | RelationshipSelect;

export const isRelationshipSelect = (item: SelectItem): item is RelationshipSelect => 'reference' in item;

/**
 * Resolves `Relationship.Field` on an sObject in the caller's schema. Only one level (Task → Who),
 * as the sandbox's objects need; Salesforce's own wording for an unknown relationship or field.
 */
export function resolveRelationshipPath(schema: SchemaView, sobject: SObjectName, path: string): RelationshipPath {
  const parts = path.split('.');
  const reference = schema.relationship(sobject, parts[0]);
  if (!reference || parts.length !== 2) {
    throw new SfdcError(
      400,
      'INVALID_FIELD',
      `Didn't understand relationship '${parts.slice(0, -1).join('.')}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const polymorphic = reference.polymorphic === true;
  const targetType = polymorphic ? 'Name' : (reference.referenceTo?.[0] as string);
  const target = polymorphic
    ? NAME_OBJECT_FIELDS.find((f) => f.name.toLowerCase() === parts[1].toLowerCase())
    : schema.field(findSObject(targetType) as SObjectName, parts[1]);
  if (!target)
    throw new SfdcError(
      400,
      'INVALID_FIELD',
      `No such column '${parts[1]}' on entity '${targetType}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  return { relationshipName: reference.relationshipName as string, reference, polymorphic, target };
}

/** A parent's field as the relationship answers it; the `Name` object has Type and no Email for an Account. */
export function readParentField(parent: ParentRecord, field: FieldDef, polymorphic: boolean): FieldValue {
  if (polymorphic && field.name === 'Type') return parent.type;
  return parent.fields[field.name] ?? null;
}

/** The value a record has at a relationship path (null when the reference is empty or dangling). */
export function readPath(record: Fields, path: RelationshipPath, parents: ParentLookup | undefined): FieldValue {
  const id = record[path.reference.name];
  if (typeof id !== 'string' || !parents) return null;
  const parent = parents(id);
  return parent ? readParentField(parent, path.target, path.polymorphic) : null;
}

/**
 * The org's possible parents by 15-character id: Contacts, Leads, Users, Accounts and record types indexed on
 * first use, tasks (RecurrenceActivity) from the task store.
 */
export function createParentLookup(org: OrgState): ParentLookup {
  let index: Map<string, ParentRecord> | null = null;
  return (id) => {
    if (id.startsWith(KEY_PREFIX.Task)) {
      const task = org.tasks.get(toId18(id));
      return task ? { type: 'Task', fields: task.fields } : null;
    }
    if (index === null) {
      index = new Map();
      const add = (type: SObjectName, records: Iterable<Fields>) => {
        for (const fields of records) index?.set(toId15(fields.Id as string), { type, fields });
      };
      add('Contact', org.contacts.values());
      add('Lead', org.leads.values());
      add(
        'User',
        [...org.users.values()].map((u) => u.fields),
      );
      add('Account', org.accounts.values());
      add(
        'RecordType',
        org.rules.recordTypes.map((rt) => rt.fields),
      );
    }
    return index.get(toId15(id)) ?? null;
  };
}
