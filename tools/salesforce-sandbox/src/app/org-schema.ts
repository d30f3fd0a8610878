import type { Fields, UserRecord } from './sandbox-records';
import { KEY_PREFIX, toId15 } from './salesforce-id';
import { effectiveTaskSecurity, type PermissionSetRecord } from './metadata/permission-sets';
import {
  DEFAULT_TASK_CUSTOM_FIELDS,
  findField,
  findRelationship,
  isCustomField,
  SCHEMA,
  type FieldDef,
  type SObjectName,
} from './sobject-schema';

/** One user's field-level security on Task (Setup's profile / permission set): field names as the schema spells them. */
export interface FieldSecurity {
  /** Not visible: for this user the field does not exist (SOQL, writes, describe). */
  hidden: string[];
  /** Visible, not editable: a write naming it is INVALID_FIELD_FOR_INSERT_UPDATE. */
  readOnly: string[];
}

/**
 * The fields one caller resolves names against: the org's own Task fields seen through the user's
 * field-level security, and the sandbox-wide fields of the other objects.
 */
export interface SchemaView {
  fields(sobject: SObjectName): readonly FieldDef[];
  /** Case-insensitively, as Salesforce reads field names. */
  field(sobject: SObjectName, name: string): FieldDef | undefined;
  /** The reference field behind a relationship name (`Who` → WhoId). */
  relationship(sobject: SObjectName, relationshipName: string): FieldDef | undefined;
}

/** The standard Task fields every org has; admins add and delete only custom ones. */
export const STANDARD_TASK_FIELDS: readonly FieldDef[] = SCHEMA.Task.filter((f) => !isCustomField(f));

/** An org's Task fields: the standard ones, then its custom fields. */
export const buildTaskFields = (customFields: readonly FieldDef[] = DEFAULT_TASK_CUSTOM_FIELDS): FieldDef[] => [
  ...STANDARD_TASK_FIELDS,
  ...customFields,
];

function applyFieldSecurity(fields: readonly FieldDef[], security: FieldSecurity | undefined): FieldDef[] {
  if (!security) return [...fields];
  const hidden = new Set(security.hidden.map((n) => n.toLowerCase()));
  const readOnly = new Set(security.readOnly.map((n) => n.toLowerCase()));
  return fields
    .filter((f) => !hidden.has(f.name.toLowerCase()))
    .map((f) => (readOnly.has(f.name.toLowerCase()) ? { ...f, createable: false, updateable: false } : f));
}

function createView(taskFields: readonly FieldDef[]): SchemaView {
  const byName = new Map(taskFields.map((f) => [f.name.toLowerCase(), f]));
  return {
    fields: (sobject) => (sobject === 'Task' ? taskFields : SCHEMA[sobject]),
    field: (sobject, name) => (sobject === 'Task' ? byName.get(name.toLowerCase()) : findField(sobject, name)),
    relationship: (sobject, relationshipName) => {
      if (sobject !== 'Task') return findRelationship(sobject, relationshipName);
      const wanted = relationshipName.toLowerCase();
      return taskFields.find((f) => f.relationshipName?.toLowerCase() === wanted);
    },
  };
}

/**
 * Views per field list (admin changes replace an org's list, so the old views fall away) and per
 * security setting. The view's identity keys the compiled-query cache.
 */
const views = new WeakMap<readonly FieldDef[], Map<string, SchemaView>>();

/** A user's Task field-level security: their own settings and what their assigned permission sets grant. */
export const taskSecurityOf = (
  org: { permissionSets?: readonly PermissionSetRecord[] },
  user: UserRecord,
): FieldSecurity | undefined =>
  effectiveTaskSecurity(user.fieldSecurity?.Task, user.fields.Id as string, org.permissionSets);

/** What `user` sees of `org`'s schema; without a user, every field (the admin API's and seeding's view). */
export function schemaFor(
  org: { taskFields: readonly FieldDef[]; permissionSets?: readonly PermissionSetRecord[] },
  user?: UserRecord | null,
): SchemaView {
  const security = user ? taskSecurityOf(org, user) : undefined;
  const key = security ? JSON.stringify(security) : '';
  let byKey = views.get(org.taskFields);
  if (!byKey) {
    byKey = new Map();
    views.set(org.taskFields, byKey);
  }
  let view = byKey.get(key);
  if (!view) {
    view = createView(applyFieldSecurity(org.taskFields, security));
    byKey.set(key, view);
  }
  return view;
}

/** A new org's schema, for callers without one (unit specs, describeGlobal). */
export const DEFAULT_SCHEMA: SchemaView = schemaFor({ taskFields: SCHEMA.Task });

/** A new task's values before the write's own: checkboxes false, picklists their default, the rest null. */
export function newTaskDefaults(taskFields: readonly FieldDef[]): Fields {
  const out: Fields = {};
  for (const f of taskFields)
    out[f.name] = f.type === 'boolean' ? false : (f.picklist?.find((p) => p.isDefault)?.value ?? null);
  return out;
}

/** Task.AccountId: the WhatId's account when WhatId names an Account, else null (the sandbox has no Opportunities or Contracts). */
export const deriveAccountId = (whatId: Fields[string] | undefined): string | null =>
  typeof whatId === 'string' && toId15(whatId).startsWith(KEY_PREFIX.Account) ? whatId : null;
