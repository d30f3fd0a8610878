import { importWindow } from '@task-sync/sync-rules';
import { TASK_FIELDS, soqlId } from './task-soql';

/**
 * A SOQL datetime literal. Salesforce keeps whole seconds and its literals have none; a value
 * with milliseconds (the local sandbox keeps them) is written with them so a keyset is exact.
 */
export function soqlDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

export const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
export const ceilToSecond = (ms: number) => Math.ceil(ms / 1000) * 1000;

/** Where the last page ended: the next one starts strictly after it, in (SystemModstamp, Id) order. */
export interface KeysetPosition {
  stamp: number;
  id: string;
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
  /** Leave recurring series' masters out (they are not tasks the rep works). */
  occurrencesOnly?: boolean;
}

/**
 * One page of tasks in (SystemModstamp, Id) order, after a keyset position: each page is one
 * call, a crash resumes at the last stored position, and no query locator can expire under it.
 */
export function buildTaskPageQuery(q: TaskPageQuery): string {
  const fields = q.deleted ? 'Id, SystemModstamp' : TASK_FIELDS.join(', ');
  return `SELECT ${fields} FROM Task WHERE ${taskWhere(q).join(' AND ')} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${q.limit}`;
}

/**
 * A later page starts at its keyset's stamp: the same rows as the window's start, and a range an index
 * on SystemModstamp can seek to, so each page reads its own rows rather than every page before it.
 */
export function pageFloor(from: number, after: KeysetPosition | null | undefined): number {
  return after ? Math.max(from, after.stamp) : from;
}

/** A page query's conditions. */
function taskWhere(q: Omit<TaskPageQuery, 'limit'>): string[] {
  const where = [`OwnerId = ${soqlId(q.ownerId)}`, `SystemModstamp >= ${soqlDateTime(pageFloor(q.from, q.after))}`];
  if (q.to !== undefined) where.push(`SystemModstamp <= ${soqlDateTime(q.to)}`);
  if (q.deleted) where.push('IsDeleted = true');
  if (q.live) where.push('IsDeleted = false');
  if (q.occurrencesOnly) where.push('IsRecurrence = false');
  if (q.after) {
    const stamp = soqlDateTime(q.after.stamp);
    where.push(`(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlId(q.after.id)}))`);
  }
  return where;
}

/** The SystemModstamp bounds (ms, both inclusive) an enable's import reads. */
export interface ImportWindow {
  from: number;
  to: number;
}

/**
 * R2: the 24 hours before an enable (IMPORT_WINDOW_MS), as SOQL can say it. Literals are whole
 * seconds, so an enable with milliseconds is read a little wide and the rules lib judges it
 * exactly; an instant in whole seconds is read exactly.
 */
export function importReadWindow(enableAt: number): ImportWindow {
  const window = importWindow(enableAt);
  return { from: floorToSecond(window.from), to: ceilToSecond(window.to) };
}

/**
 * R2's selection, the one place it is written: the import and the settings page's preview both use
 * it, so the preview cannot promise other tasks than the import brings.
 */
function importSelection(ownerId: string, window: ImportWindow): Omit<TaskPageQuery, 'limit'> {
  return { ownerId, from: window.from, to: window.to, live: true, occurrencesOnly: true };
}

/** The import's count. Run it with queryAll, as the import's pages, so archived tasks count. */
export function buildImportCountQuery(ownerId: string, window: ImportWindow): string {
  return `SELECT COUNT() FROM Task WHERE ${taskWhere(importSelection(ownerId, window)).join(' AND ')}`;
}

/** One page of the import, oldest change first, after a keyset position. Run it with queryAll. */
export function buildImportPageQuery(
  ownerId: string,
  window: ImportWindow,
  after: KeysetPosition | null,
  limit: number,
): string {
  return buildTaskPageQuery({ ...importSelection(ownerId, window), after, limit });
}

/** The fields the preview shows of a task. */
export const IMPORT_PREVIEW_FIELDS = [
  'Id',
  'Subject',
  'Status',
  'ActivityDate',
  'LastModifiedDate',
  'SystemModstamp',
] as const;

/** The first `limit` tasks the import would bring, newest change first. Run it with queryAll. */
export function buildImportPreviewQuery(ownerId: string, window: ImportWindow, limit: number): string {
  return `SELECT ${IMPORT_PREVIEW_FIELDS.join(', ')} FROM Task WHERE ${taskWhere(importSelection(ownerId, window)).join(' AND ')} ORDER BY SystemModstamp DESC, Id DESC LIMIT ${limit}`;
}
