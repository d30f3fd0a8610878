import { TASK_FIELDS, buildTasksByIdQuery as buildTasksByIdQueryOf, soqlId, type TaskRecord } from '@task-sync/sfdc-client';

// Shared with the reconciler's drift repair (libs/sfdc/client), named here as before.
export { TASK_FIELDS, TASKS_BY_ID_LIMIT, buildWhoEmailQueries, parseSalesforceDateTime, soqlId, type TaskRecord } from '@task-sync/sfdc-client';

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
  /** Live tasks only, for a queryAll read (which answers archived tasks, and deleted ones unless told not to). */
  live?: boolean;
}

/**
 * One page of tasks in (SystemModstamp, Id) order, after a keyset position: each page is one
 * call, a crash resumes at the last stored position, and no query locator can expire under it.
 */
export function buildTaskPageQuery(q: TaskPageQuery): string {
  const where = [`OwnerId = ${soqlId(q.ownerId)}`, `SystemModstamp >= ${soqlDateTime(q.from)}`];
  if (q.to !== undefined) where.push(`SystemModstamp <= ${soqlDateTime(q.to)}`);
  if (q.deleted) where.push('IsDeleted = true');
  if (q.live) where.push('IsDeleted = false');
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

/**
 * The import's count: the owner's live tasks in the window that it publishes (recurring series'
 * masters are skipped). Run it with queryAll, as the import's pages, so archived tasks count.
 */
export function buildTaskCountQuery(ownerId: string, from: number, to: number): string {
  return `SELECT COUNT() FROM Task WHERE OwnerId = ${soqlId(ownerId)} AND SystemModstamp >= ${soqlDateTime(from)} AND SystemModstamp <= ${soqlDateTime(to)} AND IsDeleted = false AND IsRecurrence = false`;
}

/**
 * The tasks behind these ids, with the fields the poll reads (and, last, LastModifiedById): for
 * change events that do not carry the whole record (UPDATE, gap events, several records in one
 * event). Run it with queryAll, so a deleted task answers too (IsDeleted).
 */
export const buildTasksByIdQuery = (ids: readonly string[]): string => buildTasksByIdQueryOf(ids, TASK_BY_ID_FIELDS);

/** Which of these deleted ids are still in the recycle bin, and whose they are. */
export function buildDeletedInBinQuery(ids: readonly string[]): string {
  return `SELECT Id, OwnerId FROM Task WHERE IsDeleted = true AND Id IN (${ids.map(soqlId).join(', ')})`;
}


export const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
export const ceilToSecond = (ms: number) => Math.ceil(ms / 1000) * 1000;
export const ceilToMinute = (ms: number) => Math.ceil(ms / 60_000) * 60_000;
export const floorToMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
