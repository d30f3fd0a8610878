/** Field types the sandbox knows; they decide SOQL literal checks and write validation. */
export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'picklist'
  | 'combobox'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'int';

export interface PicklistValue {
  value: string;
  /** What describe answers as the label (TaskStatus.MasterLabel); unset: the value. */
  label?: string;
  isDefault?: boolean;
  /** Only for Task.Status: whether Salesforce's TaskStatus marks it closed. */
  closed?: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  /** An int's digits (describe's `digits`): CallDurationInSeconds has 8. */
  digits?: number;
  /** Writable on create / update through the API. */
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  externalId?: boolean;
  picklist?: PicklistValue[];
  referenceTo?: string[];
  /** A reference's relationship (`Who` for WhoId): SOQL reads the parent through it (`Who.Email`). */
  relationshipName?: string;
  /** Points at several object types (Task.WhoId: Contact or Lead): SOQL answers the parent as the `Name` pseudo-object. */
  polymorphic?: boolean;
  /** Server-set when the write leaves it out (describe's `defaultedOnCreate`). */
  defaultedOnCreate?: boolean;
  unique?: boolean;
  /**
   * Whether field-level security can be set on it (describe's `permissionable`); unset: any
   * createable, nillable field. Required and system fields are always visible and writable.
   */
  permissionable?: boolean;
}

export type SObjectName =
  | 'Task'
  | 'Contact'
  | 'Lead'
  | 'User'
  | 'TaskStatus'
  | 'Account'
  | 'RecordType'
  | 'UserPermissionAccess'
  | 'PlatformEventChannelMember'
  | 'CustomField';

/** Which API serves an object: the REST data API (`/query`, `/sobjects`) or the Tooling API (`/tooling/query`). */
export type SObjectApi = 'data' | 'tooling';

/** The Tooling API's objects: not found through the data API, as in Salesforce. */
const TOOLING_SOBJECTS: ReadonlySet<SObjectName> = new Set(['PlatformEventChannelMember', 'CustomField']);

/**
 * Objects that are views computed per request, not stored records: no Id, not retrievable by id,
 * not replicated, searched or laid out (UserPermissionAccess answers describeSObjects and query only).
 */
export const VIRTUAL_SOBJECTS: ReadonlySet<SObjectName> = new Set(['UserPermissionAccess']);

const readOnly = (name: string, label: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  createable: false,
  updateable: false,
  nillable: false,
  ...extra,
});
const writable = (name: string, label: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  createable: true,
  updateable: true,
  nillable: true,
  ...extra,
});

/** Task statuses of a new org; only Completed is closed (TaskStatus.IsClosed). */
export const TASK_STATUSES: PicklistValue[] = [
  { value: 'Not Started', isDefault: true, closed: false },
  { value: 'In Progress', closed: false },
  { value: 'Completed', closed: true },
  { value: 'Waiting on someone else', closed: false },
  { value: 'Deferred', closed: false },
];

const audit = (): FieldDef[] => [
  readOnly('CreatedDate', 'Created Date', 'datetime', { defaultedOnCreate: true }),
  readOnly('CreatedById', 'Created By ID', 'reference', {
    referenceTo: ['User'],
    relationshipName: 'CreatedBy',
    defaultedOnCreate: true,
  }),
  readOnly('LastModifiedDate', 'Last Modified Date', 'datetime', { defaultedOnCreate: true }),
  readOnly('LastModifiedById', 'Last Modified By ID', 'reference', {
    referenceTo: ['User'],
    relationshipName: 'LastModifiedBy',
    defaultedOnCreate: true,
  }),
  readOnly('SystemModstamp', 'System Modstamp', 'datetime', { defaultedOnCreate: true }),
];

/** Contact and Lead: the fields a task's WhoId is resolved by (an e-mail). */
function person(idLabel: string, extra: FieldDef[]): FieldDef[] {
  return [
    readOnly('Id', idLabel, 'id'),
    writable('FirstName', 'First Name', 'string', { length: 40 }),
    writable('LastName', 'Last Name', 'string', { length: 80, nillable: false }),
    readOnly('Name', 'Full Name', 'string', { length: 121 }),
    writable('Email', 'Email', 'email', { length: 80 }),
    ...extra,
    readOnly('IsDeleted', 'Deleted', 'boolean'),
    ...audit(),
  ];
}

/**
 * The custom Task fields of a new org: the product's external id, External ID and Unique as the
 * product's package (salesforce/) deploys it. An admin may delete it or re-create it otherwise
 * (`/__admin`); the HTTP 300 case is seeded through the admin API, which does not check Unique.
 */
export const DEFAULT_TASK_CUSTOM_FIELDS: readonly FieldDef[] = [
  writable('SalesConnect_Task_Id__c', 'Sales Connect Task Id', 'string', {
    length: 64,
    externalId: true,
    unique: true,
  }),
];

/** Task's entry is a new org's field list; an org's own is `OrgState.taskFields` (see org-schema.ts). */
export const SCHEMA: Record<SObjectName, FieldDef[]> = {
  Task: [
    readOnly('Id', 'Activity ID', 'id'),
    // Subject is a combobox: suggested values, any text accepted.
    writable('Subject', 'Subject', 'combobox', {
      length: 255,
      permissionable: false,
      picklist: [
        { value: 'Call' },
        { value: 'Email' },
        { value: 'Send Letter' },
        { value: 'Send Quote' },
        { value: 'Other' },
      ],
    }),
    writable('Description', 'Description', 'textarea', { length: 32000 }),
    writable('ActivityDate', 'Due Date Only', 'date'),
    writable('Status', 'Status', 'picklist', { nillable: false, defaultedOnCreate: true, picklist: TASK_STATUSES }),
    writable('Priority', 'Priority', 'picklist', {
      nillable: false,
      defaultedOnCreate: true,
      picklist: [{ value: 'High' }, { value: 'Normal', isDefault: true }, { value: 'Low' }],
    }),
    writable('TaskSubtype', 'Task Subtype', 'picklist', {
      updateable: false,
      picklist: [{ value: 'Task', isDefault: true }, { value: 'Email' }, { value: 'Call' }],
    }),
    // Who, What and Owner are polymorphic: SOQL answers their parent as the `Name` pseudo-object.
    writable('WhoId', 'Name ID', 'reference', {
      referenceTo: ['Contact', 'Lead'],
      relationshipName: 'Who',
      polymorphic: true,
      permissionable: false,
    }),
    writable('WhatId', 'Related To ID', 'reference', {
      referenceTo: ['Account'],
      relationshipName: 'What',
      polymorphic: true,
      permissionable: false,
    }),
    writable('OwnerId', 'Assigned To ID', 'reference', {
      nillable: false,
      defaultedOnCreate: true,
      referenceTo: ['Group', 'User'],
      relationshipName: 'Owner',
      polymorphic: true,
    }),
    readOnly('IsClosed', 'Closed', 'boolean', { defaultedOnCreate: true }),
    readOnly('IsDeleted', 'Deleted', 'boolean', { defaultedOnCreate: true }),
    // The other standard fields of a real org's Task describe (labels and lengths as it reports them).
    readOnly('AccountId', 'Account ID', 'reference', {
      nillable: true,
      referenceTo: ['Account'],
      relationshipName: 'Account',
    }),
    readOnly('IsArchived', 'Archived', 'boolean', { defaultedOnCreate: true }),
    writable('IsRecurrence', 'Create Recurring Series of Tasks', 'boolean', {
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    readOnly('RecurrenceActivityId', 'Recurrence Activity ID', 'reference', {
      nillable: true,
      referenceTo: ['Task'],
      relationshipName: 'RecurrenceActivity',
    }),
    writable('ReminderDateTime', 'Reminder Date/Time', 'datetime'),
    writable('IsReminderSet', 'Reminder Set', 'boolean', { nillable: false, defaultedOnCreate: true }),
    // The object reference: call center fields other than CallType are "not subject to field-level security".
    writable('CallDurationInSeconds', 'Call Duration', 'int', { digits: 8, permissionable: false }),
    writable('CallType', 'Call Type', 'picklist', {
      length: 40,
      picklist: [{ value: 'Internal' }, { value: 'Inbound' }, { value: 'Outbound' }],
    }),
    writable('CallDisposition', 'Call Result', 'string', { length: 255, permissionable: false }),
    writable('CallObject', 'Call Object Identifier', 'string', { length: 255, permissionable: false }),
    ...audit(),
    ...DEFAULT_TASK_CUSTOM_FIELDS,
  ],
  Contact: person('Contact ID', []),
  Lead: person('Lead ID', [writable('Company', 'Company', 'string', { length: 255 })]),
  User: [
    readOnly('Id', 'User ID', 'id'),
    readOnly('Username', 'Username', 'string', { length: 80 }),
    readOnly('Email', 'Email', 'email', { length: 128 }),
    readOnly('Name', 'Full Name', 'string', { length: 121 }),
    readOnly('FirstName', 'First Name', 'string', { length: 40 }),
    readOnly('LastName', 'Last Name', 'string', { length: 80 }),
    readOnly('TimeZoneSidKey', 'Time Zone', 'picklist'),
    readOnly('IsActive', 'Active', 'boolean'),
    ...audit(),
  ],
  // Only as a WhatId target (What.Name), seeded through the admin API.
  Account: [
    readOnly('Id', 'Account ID', 'id'),
    writable('Name', 'Account Name', 'string', { length: 255, nillable: false }),
    readOnly('IsDeleted', 'Deleted', 'boolean', { defaultedOnCreate: true }),
    ...audit(),
  ],
  TaskStatus: [
    readOnly('Id', 'Task Status Value ID', 'id'),
    readOnly('MasterLabel', 'Master Label', 'string', { length: 255 }),
    readOnly('ApiName', 'Api Name', 'string', { length: 255 }),
    readOnly('IsClosed', 'Is Closed', 'boolean'),
    readOnly('IsDefault', 'Is Default', 'boolean'),
    readOnly('SortOrder', 'Sort Order', 'int', { digits: 9, nillable: true }),
    ...audit(),
  ],
  // An org's Task record types (admin API); SOQL reads them `WHERE SobjectType = 'Task'`.
  RecordType: [
    readOnly('Id', 'Record Type ID', 'id'),
    readOnly('Name', 'Name', 'string', { length: 80 }),
    readOnly('DeveloperName', 'Record Type Name', 'string', { length: 80 }),
    readOnly('NamespacePrefix', 'Namespace Prefix', 'string', { length: 15, nillable: true }),
    readOnly('Description', 'Description', 'string', { length: 255, nillable: true }),
    readOnly('BusinessProcessId', 'Business Process ID', 'reference', {
      nillable: true,
      referenceTo: ['BusinessProcess'],
    }),
    readOnly('SobjectType', 'SObject Type Name', 'picklist', { length: 40 }),
    readOnly('IsActive', 'Active', 'boolean'),
    ...audit(),
  ],
  // The running user's own permissions (API 41.0+): one row, one Permissions<Name> field per
  // permission; any user may query it about themselves. The sandbox models the permissions it keeps.
  UserPermissionAccess: [
    readOnly('LastCacheUpdate', 'Last Cache Update', 'datetime', { nillable: true }),
    readOnly('PermissionsApiEnabled', 'API Enabled', 'boolean'),
    readOnly('PermissionsViewAllData', 'View All Data', 'boolean'),
  ],
  // Tooling API: an entity selected for Change Data Capture on a channel (API 47.0+). The standard
  // channel is `ChangeEvents` (Setup → Change Data Capture); SelectedEntity names the change event.
  PlatformEventChannelMember: [
    readOnly('Id', 'Platform Event Channel Member ID', 'id'),
    readOnly('DeveloperName', 'Developer Name', 'string', { length: 80 }),
    readOnly('EventChannel', 'Event Channel', 'string', { length: 255 }),
    readOnly('SelectedEntity', 'Selected Entity', 'string', { length: 255 }),
    ...audit(),
  ],
  // Tooling API: the org's custom fields, whoever's field-level security hides them (Setup's Object
  // Manager). Task's are Activity's: `TableEnumOrId = 'Activity'`, `DeveloperName` without `__c`.
  CustomField: [
    readOnly('Id', 'Custom Field Definition ID', 'id'),
    readOnly('DeveloperName', 'Field Name', 'string', { length: 40 }),
    readOnly('TableEnumOrId', 'Table Enum or ID', 'string', { length: 40 }),
    readOnly('NamespacePrefix', 'Namespace Prefix', 'string', { length: 15, nillable: true }),
    ...audit(),
  ],
};

const LOOKUP = new Map<string, { name: SObjectName; fields: Map<string, FieldDef> }>(
  (Object.keys(SCHEMA) as SObjectName[]).map((name) => [
    name.toLowerCase(),
    { name, fields: new Map(SCHEMA[name].map((f) => [f.name.toLowerCase(), f])) },
  ]),
);

/** sObject names and field names are case-insensitive in Salesforce. `api`: the API asked (the data API's objects by default). */
export function findSObject(name: string, api: SObjectApi = 'data'): SObjectName | undefined {
  const found = LOOKUP.get(name.toLowerCase())?.name;
  return found !== undefined && TOOLING_SOBJECTS.has(found) === (api === 'tooling') ? found : undefined;
}

/** The objects an API lists (describeGlobal). */
export const sobjectsOf = (api: SObjectApi): SObjectName[] =>
  (Object.keys(SCHEMA) as SObjectName[]).filter((name) => TOOLING_SOBJECTS.has(name) === (api === 'tooling'));

/** For Task, a new org's field; an org's own Task fields (custom ones, field-level security): `schemaFor(org, user).field('Task', …)`. */
export function findField(sobject: SObjectName, field: string): FieldDef | undefined {
  return LOOKUP.get(sobject.toLowerCase())?.fields.get(field.toLowerCase());
}

/** The reference field behind a relationship name (`Who` → WhoId), case-insensitively as SOQL reads it. */
export function findRelationship(sobject: SObjectName, relationship: string): FieldDef | undefined {
  const wanted = relationship.toLowerCase();
  return SCHEMA[sobject].find((f) => f.relationshipName?.toLowerCase() === wanted);
}

/**
 * The `Name` pseudo-object a polymorphic relationship answers with (Salesforce's "Name" object):
 * the fields the sandbox can fill from a Contact, Lead, User or Account.
 */
export const NAME_OBJECT_FIELDS: FieldDef[] = [
  readOnly('Id', 'Id', 'id'),
  readOnly('Name', 'Name', 'string', { length: 255, nillable: true }),
  readOnly('FirstName', 'First Name', 'string', { length: 40, nillable: true }),
  readOnly('LastName', 'Last Name', 'string', { length: 80, nillable: true }),
  readOnly('Email', 'Email', 'email', { length: 80, nillable: true }),
  readOnly('Username', 'Username', 'string', { length: 80, nillable: true }),
  readOnly('Type', 'Type', 'picklist', { nillable: true }),
];

export const isPermissionable = (f: FieldDef): boolean => f.permissionable ?? (f.createable && f.nillable);

export const isCustomField = (f: FieldDef): boolean => f.name.endsWith('__c');
