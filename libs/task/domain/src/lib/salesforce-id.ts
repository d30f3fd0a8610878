/**
 * Salesforce names one record by a 15-character id (case-sensitive) or its 18-character form (the
 * same 15 plus a case-safe suffix); APIs answer either. Compare and key records by the first 15.
 */
export const salesforceIdKey = (id: string): string => id.slice(0, 15);

export const sameSalesforceId = (a: string, b: string): boolean => salesforceIdKey(a) === salesforceIdKey(b);

/** Each record once, in the form it was first named, in order. */
export function uniqueSalesforceIds(ids: Iterable<string>): string[] {
  const byKey = new Map<string, string>();
  for (const id of ids) if (!byKey.has(salesforceIdKey(id))) byKey.set(salesforceIdKey(id), id);
  return [...byKey.values()];
}
