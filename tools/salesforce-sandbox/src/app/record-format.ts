import type { Fields } from './sandbox-records';
import { formatSfdcDateTime } from './sfdc-datetime';
import type { FieldDef, SObjectName } from './sobject-schema';
import {
  isRelationshipSelect,
  readParentField,
  type ParentLookup,
  type RelationshipSelect,
  type SelectItem,
} from './soql-relationship';

const formatValue = (field: FieldDef, value: unknown): unknown =>
  field.type === 'datetime' && typeof value === 'number' ? formatSfdcDateTime(value) : value;

/**
 * A parent as SOQL nests it: `"Who": {"attributes": {"type": "Name", "url": …}, "Email": …}`, or
 * null when the reference is empty. Polymorphic relationships answer type "Name" (Salesforce's
 * Name pseudo-object) with the url of the real record.
 */
function formatParent(
  item: RelationshipSelect,
  version: string,
  record: Fields,
  parents: ParentLookup | undefined,
): Record<string, unknown> | null {
  const id = record[item.reference.name];
  const parent = typeof id === 'string' && parents ? parents(id) : null;
  if (!parent) return null;
  const out: Record<string, unknown> = {
    attributes: {
      type: item.polymorphic ? 'Name' : parent.type,
      url: `/services/data/${version}/sobjects/${parent.type}/${parent.fields.Id as string}`,
    },
  };
  for (const field of item.fields)
    out[field.name] = formatValue(field, readParentField(parent, field, item.polymorphic));
  return out;
}

/** Tooling API objects' urls are under `/tooling`. */
const TOOLING_PATH: Partial<Record<SObjectName, string>> = {
  PlatformEventChannelMember: 'tooling/',
  CustomField: 'tooling/',
};

/** A record as the REST API writes it: `attributes`, then the fields (parents nested), datetimes in Salesforce's format. */
export function formatRecord(
  sobject: SObjectName,
  version: string,
  record: Fields,
  select: readonly SelectItem[],
  parents?: ParentLookup,
): Record<string, unknown> {
  // Rows without an Id (UserPermissionAccess) carry only their type [unconfirmed: Salesforce's url for them].
  const url =
    typeof record.Id === 'string'
      ? { url: `/services/data/${version}/${TOOLING_PATH[sobject] ?? ''}sobjects/${sobject}/${record.Id}` }
      : {};
  const out: Record<string, unknown> = { attributes: { type: sobject, ...url } };
  for (const item of select) {
    if (isRelationshipSelect(item)) out[item.relationshipName] = formatParent(item, version, record, parents);
    else out[item.name] = formatValue(item, record[item.name] ?? null);
  }
  return out;
}
