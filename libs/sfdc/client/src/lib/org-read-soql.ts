import { pageFloor, soqlDateTime, type KeysetPosition } from './import-soql';
import { TASK_FIELDS, soqlId, soqlIdList, type TaskRecord } from './task-soql';

/**
 * A by-id read adds who last modified the task: a change event names the user who committed it,
 * and the record is that event's state only if both agree (see originOf in the org stream).
 */
export const TASK_BY_ID_FIELDS = [...TASK_FIELDS, 'LastModifiedById'] as const;

export type TaskRecordById = TaskRecord & { LastModifiedById: string | null };

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
  const where = [`SystemModstamp >= ${soqlDateTime(pageFloor(q.from, q.after))}`];
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

/** Which of these deleted ids are still in the recycle bin, and whose they are. */
export function buildDeletedInBinQuery(ids: readonly string[]): string {
  return `SELECT Id, OwnerId FROM Task WHERE IsDeleted = true AND Id IN (${soqlIdList(ids)})`;
}

/** getDeleted works in whole minutes. */
export const ceilToMinute = (ms: number) => Math.ceil(ms / 60_000) * 60_000;
export const floorToMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
