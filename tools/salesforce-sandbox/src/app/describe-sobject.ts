import { isPermissionable, SCHEMA, VIRTUAL_SOBJECTS, type FieldDef, type SObjectName } from './sobject-schema';
import { KEY_PREFIX } from './salesforce-id';
import { describeRecordTypeInfos } from './org-rules/record-types';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
};

const LABEL_PLURAL: Record<SObjectName, string> = {
  Task: 'Tasks',
  Contact: 'Contacts',
  Lead: 'Leads',
  User: 'Users',
  TaskStatus: 'Task Status',
  Account: 'Accounts',
  RecordType: 'Record Types',
  UserPermissionAccess: 'User Permission Access',
  PlatformEventChannelMember: 'Platform Event Channel Members',
  CustomField: 'Custom Field Definitions',
};
const LABEL: Partial<Record<SObjectName, string>> = {
  TaskStatus: 'Task Status',
  RecordType: 'Record Type',
  UserPermissionAccess: 'User Permission Access',
  PlatformEventChannelMember: 'Platform Event Channel Member',
  CustomField: 'Custom Field Definition',
};

/** What describeGlobal lists per object and describe repeats at its top: the object's capabilities. */
export function describeSObjectSummary(name: SObjectName, version: string): Record<string, unknown> {
  const writable = name === 'Task';
  // Objects without stored rows of their own (and TaskStatus) are queried, never retrieved, replicated or searched.
  const stored = !VIRTUAL_SOBJECTS.has(name);
  const listed = stored && name !== 'TaskStatus';
  const base = `/services/data/${version}/sobjects/${name}`;
  return {
    activateable: false,
    createable: writable,
    custom: false,
    customSetting: false,
    deletable: writable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isSubtype: false,
    keyPrefix: (KEY_PREFIX as Record<string, string>)[name] ?? null,
    label: LABEL[name] ?? name,
    labelPlural: LABEL_PLURAL[name],
    layoutable: listed,
    mergeable: false,
    mruEnabled: false,
    name,
    queryable: true,
    replicateable: listed,
    retrieveable: stored,
    searchable: listed,
    triggerable: listed,
    undeletable: writable,
    updateable: writable,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

const isText = (f: FieldDef): boolean => ['string', 'textarea', 'email', 'picklist', 'combobox'].includes(f.type);

/** One field as Salesforce's describe writes it (the DescribeFieldResult keys clients read). */
function describeField(f: FieldDef): Record<string, unknown> {
  const length = f.length ?? (f.type === 'picklist' ? 255 : f.type === 'id' || f.type === 'reference' ? 18 : 0);
  const isReference = f.type === 'reference';
  const isPicklist = f.type === 'picklist' || f.type === 'combobox';
  return {
    aggregatable: f.type !== 'textarea',
    autoNumber: false,
    // Text is stored as UTF-8, up to 3 bytes a character.
    byteLength: isText(f) || f.type === 'id' || isReference ? length * 3 : 0,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: null,
    controllerName: null,
    createable: f.createable,
    custom: f.name.endsWith('__c'),
    defaultValue: f.type === 'boolean' ? false : null,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate === true || f.type === 'id',
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.digits ?? 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId === true,
    extraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null,
    filterable: f.type !== 'textarea',
    filteredLookupInfo: null,
    groupable: f.type !== 'textarea' && f.type !== 'datetime',
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.type === 'id' || f.externalId === true,
    inlineHelpText: null,
    label: f.label,
    length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.name === 'Name' || (f.name === 'Subject' && f.type === 'combobox'),
    namePointing: f.polymorphic === true,
    nillable: f.nillable,
    permissionable: isPermissionable(f),
    picklistValues: isPicklist
      ? (f.picklist ?? []).map((p) => ({
          active: true,
          defaultValue: p.isDefault === true,
          label: p.label ?? p.value,
          validFor: null,
          value: p.value,
        }))
      : [],
    polymorphicForeignKey: f.polymorphic === true,
    precision: 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    // Status, Priority and TaskSubtype are restricted: a value not in the list is refused.
    restrictedPicklist: f.type === 'picklist',
    scale: 0,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
    sortable: f.type !== 'textarea',
    type: f.type,
    unique: f.unique === true,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

/** `fields`: for Task, the org's fields as the caller's field-level security shows them. */
export function describeSObject(
  name: SObjectName,
  version: string,
  fields: readonly FieldDef[] = SCHEMA[name],
  recordTypeInfos?: Record<string, unknown>[],
): Record<string, unknown> {
  return {
    ...describeSObjectSummary(name, version),
    actionOverrides: [],
    childRelationships: [],
    compactLayoutable: name !== 'TaskStatus',
    fields: fields.map(describeField),
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: recordTypeInfos ?? describeRecordTypeInfos(name, version, [], undefined),
    searchLayoutable: name !== 'TaskStatus',
    supportedScopes: [],
  };
}
