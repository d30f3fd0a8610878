import type { Fields } from './sandbox-records';
import { formatSfdcDateTime } from './sfdc-datetime';
import type { FieldDef, SObjectName } from './sobject-schema';

/** A record as the REST API writes it: `attributes`, then the fields, datetimes in Salesforce's format. */
export function formatRecord(sobject: SObjectName, version: string, record: Fields, select: readonly FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: sobject, url: `/services/data/${version}/sobjects/${sobject}/${record.Id as string}` } };
  for (const field of select) {
    const value = record[field.name] ?? null;
    out[field.name] = field.type === 'datetime' && typeof value === 'number' ? formatSfdcDateTime(value) : value;
  }
  return out;
}
