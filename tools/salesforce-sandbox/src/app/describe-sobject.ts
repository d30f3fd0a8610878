import type { SObjectName } from './sobject-schema';
import { SCHEMA } from './sobject-schema';
import { KEY_PREFIX } from './salesforce-id';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
};

/**
 * The subset of Salesforce's describe that clients read: fields with type, length, createable,
 * updateable, nillable, externalId and picklist values. Task.Status values also carry `closed`
 * (a sandbox extra; Salesforce tells it through TaskStatus.IsClosed).
 */
export function describeSObject(name: SObjectName, version: string): Record<string, unknown> {
  const keyPrefix = (KEY_PREFIX as Record<string, string>)[name] ?? null;
  return {
    name,
    label: name,
    keyPrefix,
    createable: name === 'Task',
    updateable: name === 'Task',
    deletable: name === 'Task',
    queryable: true,
    retrieveable: true,
    custom: false,
    urls: { sobject: `/services/data/${version}/sobjects/${name}`, describe: `/services/data/${version}/sobjects/${name}/describe` },
    fields: SCHEMA[name].map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
      length: f.length ?? 0,
      createable: f.createable,
      updateable: f.updateable,
      nillable: f.nillable,
      externalId: f.externalId === true,
      idLookup: f.name === 'Id' || f.externalId === true,
      unique: false,
      custom: f.name.endsWith('__c'),
      referenceTo: f.referenceTo ?? [],
      picklistValues: (f.picklist ?? []).map((p) => ({
        active: true,
        defaultValue: p.isDefault === true,
        label: p.value,
        value: p.value,
        validFor: null,
        ...(p.closed !== undefined ? { closed: p.closed } : {}),
      })),
    })),
  };
}
