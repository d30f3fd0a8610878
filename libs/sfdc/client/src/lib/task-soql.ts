import type { SfdcTask } from '@task-sync/task-domain';

/** The Task fields the sync reads (WhoEmail is looked up separately: it is not a Task field). */
export const TASK_FIELDS = [
  'Id',
  'Subject',
  'Description',
  'ActivityDate',
  'Status',
  'IsClosed',
  'Priority',
  'TaskSubtype',
  'WhoId',
  'OwnerId',
  'SalesConnect_Task_Id__c',
  'CreatedDate',
  'LastModifiedDate',
  'SystemModstamp',
  'IsDeleted',
  // A recurring series' master (true) is skipped; its occurrences are ordinary tasks.
  'IsRecurrence',
] as const;

export type TaskRecord = Omit<SfdcTask, 'WhoEmail'>;

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Ids go into SOQL text, so only well-formed ones get there. */
export function soqlId(id: string): string {
  if (!SALESFORCE_ID.test(id)) throw new Error(`not a Salesforce id: ${JSON.stringify(id)}`);
  return `'${id}'`;
}

/** `'id','id',…`: no space after the commas, as the list is most of a by-id read's URI (27 encoded bytes an id). */
export function soqlIdList(ids: readonly string[]): string {
  return ids.map(soqlId).join(',');
}

/**
 * Ids a by-id read takes in one call: the GET's URI (about 13,900 bytes with 500, as jsforce's URL
 * encodes the quotes too) and its headers must fit in Salesforce's 16,384 bytes. A busy stream's
 * batch reads this many at once.
 */
export const TASKS_BY_ID_LIMIT = 500;

/** The tasks behind these ids, with these fields. Run it with queryAll, so a deleted task answers too (IsDeleted). */
export function buildTasksByIdQuery(ids: readonly string[], fields: readonly string[] = TASK_FIELDS): string {
  if (ids.length === 0 || ids.length > TASKS_BY_ID_LIMIT)
    throw new Error(`1 to ${TASKS_BY_ID_LIMIT} ids a query, not ${ids.length}`);
  return `SELECT ${fields.join(', ')} FROM Task WHERE Id IN (${soqlIdList(ids)})`;
}

/** The e-mails behind WhoIds: Contacts start with 003, Leads with 00Q. */
export function buildWhoEmailQueries(whoIds: readonly string[]): string[] {
  const contacts = whoIds.filter((id) => id.startsWith('003'));
  const leads = whoIds.filter((id) => id.startsWith('00Q'));
  const queries: string[] = [];
  if (contacts.length > 0) queries.push(`SELECT Id, Email FROM Contact WHERE Id IN (${soqlIdList(contacts)})`);
  if (leads.length > 0) queries.push(`SELECT Id, Email FROM Lead WHERE Id IN (${soqlIdList(leads)})`);
  return queries;
}

/** Salesforce's `2026-11-24T10:00:00.000+0000` → ms. */
export function parseSalesforceDateTime(text: string): number {
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new Error(`not a Salesforce datetime: ${JSON.stringify(text)}`);
  return ms;
}
