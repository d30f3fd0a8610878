const SOBJECT_ACTIONS = new Set(['describe', 'updated', 'deleted']);

/**
 * A stable name for a REST call, for the call counter: the version and record ids left out,
 * e.g. `GET query`, `PATCH sobjects/Task/{id}`, `PATCH sobjects/Task/SalesConnect_Task_Id__c/{value}`.
 */
export function describeEndpoint(method: string, pathAfterVersion: string): string {
  const parts = pathAfterVersion.split('/').filter(Boolean);
  if ((parts[0] === 'query' || parts[0] === 'queryAll') && parts.length === 2) parts[1] = '{locator}';
  if (parts[0] === 'sobjects' && parts.length === 3 && !SOBJECT_ACTIONS.has(parts[2])) parts[2] = '{id}';
  if (parts[0] === 'sobjects' && parts.length === 4) parts[3] = '{value}';
  return `${method} ${parts.join('/')}`;
}
