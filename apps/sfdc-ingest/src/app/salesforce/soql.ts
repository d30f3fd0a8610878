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
] as const;

export type TaskRecord = Omit<SfdcTask, 'WhoEmail'>;

/**
 * A by-id read adds who last modified the task: a change event names the user who committed it,
 * and the record is that event's state only if both agree (see originOf in the org stream).
 */
export const TASK_BY_ID_FIELDS = [...TASK_FIELDS, 'LastModifiedById'] as const;

export type TaskRecordById = TaskRecord & { LastModifiedById: string | null };

/** Where the last page ended: the next one starts strictly after it, in (SystemModstamp, Id) order. */
export interface KeysetPosition {
  stamp: number;
  id: string;
}

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Ids go into SOQL text, so only well-formed ones get there. */
export function soqlId(id: string): string {
  if (!SALESFORCE_ID.test(id)) throw new Error(`not a Salesforce id: ${JSON.stringify(id)}`);
  return `'${id}'`;
}

/**
 * A SOQL datetime literal. Salesforce keeps whole seconds and its literals have none; a value
 * with milliseconds (the local sandbox keeps them) is written with them so a keyset is exact.
 */
export function soqlDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

export interface TaskPageQuery {
  ownerId: string;
  /** Inclusive lower bound on SystemModstamp (ms). */
  from: number;
  /** Inclusive upper bound on SystemModstamp (ms), if any. */
  to?: number;
  after?: KeysetPosition | null;
  limit: number;
  /** Deleted tasks (queryAll) instead of live ones. */
  deleted?: boolean;
}

/**
 * One page of tasks in (SystemModstamp, Id) order, after a keyset position: each page is one
 * call, a crash resumes at the last stored position, and no query locator can expire under it.
 */
export function buildTaskPageQuery(q: TaskPageQuery): string {
  const where = [`OwnerId = ${soqlId(q.ownerId)}`, `SystemModstamp >= ${soqlDateTime(q.from)}`];
  if (q.to !== undefined) where.push(`SystemModstamp <= ${soqlDateTime(q.to)}`);
  if (q.deleted) where.push('IsDeleted = true');
  if (q.after) {
    const stamp = soqlDateTime(q.after.stamp);
    where.push(`(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlId(q.after.id)}))`);
  }
  const fields = q.deleted ? 'Id, SystemModstamp' : TASK_FIELDS.join(', ');
  return `SELECT ${fields} FROM Task WHERE ${where.join(' AND ')} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${q.limit}`;
}

/** The org poll's page: every task changed since `from` of these owners, or of the whole org (null). */
export interface OrgTaskPageQuery {
  ownerIds: readonly string[] | null;
  from: number;
  after?: KeysetPosition | null;
  limit: number;
}

/**
 * One page of the org's changes for its safety-net poll, in (SystemModstamp, Id) order, with the
 * fields a by-id read has, so the stream's routing takes both. Run it with queryAll: deletes too.
 */
export function buildOrgTaskPageQuery(q: OrgTaskPageQuery): string {
  const where = [`SystemModstamp >= ${soqlDateTime(q.from)}`];
  if (q.ownerIds) {
    if (q.ownerIds.length === 0) throw new Error('an org poll names at least one owner, or none for the whole org');
    where.unshift(`OwnerId IN (${q.ownerIds.map(soqlId).join(', ')})`);
  }
  if (q.after) {
    const stamp = soqlDateTime(q.after.stamp);
    where.push(`(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlId(q.after.id)}))`);
  }
  return `SELECT ${TASK_BY_ID_FIELDS.join(', ')} FROM Task WHERE ${where.join(' AND ')} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${q.limit}`;
}

export function buildTaskCountQuery(ownerId: string, from: number, to: number): string {
  return `SELECT COUNT() FROM Task WHERE OwnerId = ${soqlId(ownerId)} AND SystemModstamp >= ${soqlDateTime(from)} AND SystemModstamp <= ${soqlDateTime(to)}`;
}

/** Ids a by-id read takes in one call: 200 ids keep the GET well under Salesforce's 16,384-byte URI limit. */
export const TASKS_BY_ID_LIMIT = 200;

/**
 * The tasks behind these ids, with the fields the poll reads (and, last, LastModifiedById): for
 * change events that do not carry the whole record (UPDATE, gap events, several records in one
 * event). Run it with queryAll, so a deleted task answers too (IsDeleted).
 */
export function buildTasksByIdQuery(ids: readonly string[]): string {
  if (ids.length === 0 || ids.length > TASKS_BY_ID_LIMIT) throw new Error(`1 to ${TASKS_BY_ID_LIMIT} ids a query, not ${ids.length}`);
  return `SELECT ${TASK_BY_ID_FIELDS.join(', ')} FROM Task WHERE Id IN (${ids.map(soqlId).join(', ')})`;
}

/** Which of these deleted ids are still in the recycle bin, and whose they are. */
export function buildDeletedInBinQuery(ids: readonly string[]): string {
  return `SELECT Id, OwnerId FROM Task WHERE IsDeleted = true AND Id IN (${ids.map(soqlId).join(', ')})`;
}

/** The e-mails behind WhoIds: Contacts start with 003, Leads with 00Q. */
export function buildWhoEmailQueries(whoIds: readonly string[]): string[] {
  const contacts = whoIds.filter((id) => id.startsWith('003'));
  const leads = whoIds.filter((id) => id.startsWith('00Q'));
  const queries: string[] = [];
  if (contacts.length > 0) queries.push(`SELECT Id, Email FROM Contact WHERE Id IN (${contacts.map(soqlId).join(', ')})`);
  if (leads.length > 0) queries.push(`SELECT Id, Email FROM Lead WHERE Id IN (${leads.map(soqlId).join(', ')})`);
  return queries;
}

/** Salesforce's `2026-11-24T10:00:00.000+0000` → ms. */
export function parseSalesforceDateTime(text: string): number {
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new Error(`not a Salesforce datetime: ${JSON.stringify(text)}`);
  return ms;
}

export const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
export const ceilToSecond = (ms: number) => Math.ceil(ms / 1000) * 1000;
export const ceilToMinute = (ms: number) => Math.ceil(ms / 60_000) * 60_000;
export const floorToMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
