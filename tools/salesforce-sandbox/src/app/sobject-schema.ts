/** Field types the sandbox knows; they decide SOQL literal checks and write validation. */
export type FieldType = 'id' | 'reference' | 'string' | 'textarea' | 'email' | 'picklist' | 'date' | 'datetime' | 'boolean';

export interface PicklistValue {
  value: string;
  isDefault?: boolean;
  /** Only for Task.Status: whether Salesforce's TaskStatus marks it closed. */
  closed?: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  /** Writable on create / update through the API. */
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  externalId?: boolean;
  picklist?: PicklistValue[];
  referenceTo?: string[];
}

export type SObjectName = 'Task' | 'Contact' | 'Lead' | 'User' | 'TaskStatus';

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
  readOnly('CreatedDate', 'Created Date', 'datetime'),
  readOnly('CreatedById', 'Created By ID', 'reference', { referenceTo: ['User'] }),
  readOnly('LastModifiedDate', 'Last Modified Date', 'datetime'),
  readOnly('LastModifiedById', 'Last Modified By ID', 'reference', { referenceTo: ['User'] }),
  readOnly('SystemModstamp', 'System Modstamp', 'datetime'),
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

export const SCHEMA: Record<SObjectName, FieldDef[]> = {
  Task: [
    readOnly('Id', 'Activity ID', 'id'),
    writable('Subject', 'Subject', 'string', { length: 255 }),
    writable('Description', 'Description', 'textarea', { length: 32000 }),
    writable('ActivityDate', 'Due Date Only', 'date'),
    writable('Status', 'Status', 'picklist', { nillable: false, picklist: TASK_STATUSES }),
    writable('Priority', 'Priority', 'picklist', {
      nillable: false,
      picklist: [{ value: 'High' }, { value: 'Normal', isDefault: true }, { value: 'Low' }],
    }),
    writable('TaskSubtype', 'Task Subtype', 'picklist', {
      updateable: false,
      picklist: [{ value: 'Task', isDefault: true }, { value: 'Email' }, { value: 'Call' }],
    }),
    writable('WhoId', 'Name ID', 'reference', { referenceTo: ['Contact', 'Lead'] }),
    writable('OwnerId', 'Assigned To ID', 'reference', { nillable: false, referenceTo: ['User'] }),
    readOnly('IsClosed', 'Closed', 'boolean'),
    readOnly('IsDeleted', 'Deleted', 'boolean'),
    ...audit(),
    writable('SalesConnect_Task_Id__c', 'Sales Connect Task Id', 'string', { length: 64, externalId: true }),
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
  TaskStatus: [
    readOnly('Id', 'Task Status Value ID', 'id'),
    readOnly('MasterLabel', 'Master Label', 'string', { length: 255 }),
    readOnly('ApiName', 'Api Name', 'string', { length: 255 }),
    readOnly('IsClosed', 'Is Closed', 'boolean'),
    readOnly('IsDefault', 'Is Default', 'boolean'),
    ...audit(),
  ],
};

const LOOKUP = new Map<string, { name: SObjectName; fields: Map<string, FieldDef> }>(
  (Object.keys(SCHEMA) as SObjectName[]).map((name) => [
    name.toLowerCase(),
    { name, fields: new Map(SCHEMA[name].map((f) => [f.name.toLowerCase(), f])) },
  ]),
);

/** sObject names and field names are case-insensitive in Salesforce. */
export function findSObject(name: string): SObjectName | undefined {
  return LOOKUP.get(name.toLowerCase())?.name;
}

export function findField(sobject: SObjectName, field: string): FieldDef | undefined {
  return LOOKUP.get(sobject.toLowerCase())?.fields.get(field.toLowerCase());
}

export function isClosedStatus(status: string): boolean {
  return TASK_STATUSES.some((s) => s.value === status && s.closed === true);
}
