import { salesforceIdKey } from '@task-sync/task-domain';
import { parseSalesforceDateTime } from './task-soql';
import {
  COLLECTION_LIMIT,
  EXTERNAL_ID_FIELD,
  toRecordResult,
  type JsforceSaveResult,
  type RecordResult,
} from './record-result';

/**
 * REST API guide, "Composite": one request holds at most 25 subrequests, of which at most 5 are
 * query or sObject Collections operations; the whole request counts as ONE API call.
 */
export const COMPOSITE_MAX_SUBREQUESTS = 25;
export const COMPOSITE_MAX_COLLECTION_SUBREQUESTS = 5;

/**
 * The subrequests buildTaskWriteComposite makes of a flush with this many updates, upserts and
 * deletes (each at most COLLECTION_LIMIT): a gather may wait until they fill the request.
 */
export function compositeSubrequestsFor(mix: { updates: number; upserts: number; deletes: number }): number {
  const collections = (mix.upserts > 0 ? 1 : 0) + (mix.deletes > 0 ? 1 : 0);
  const updates = Math.min(mix.updates, COMPOSITE_MAX_SUBREQUESTS - collections - 1);
  return collections + updates + (updates + mix.upserts > 0 ? 1 : 0);
}

/** A connection's Salesforce writes of one flush. */
export interface TaskWriteBatch {
  /** By `SalesConnect_Task_Id__c`, so a repeat finds the task made the first time (at most 200). */
  upserts: { externalId: string; fields: Record<string, unknown> }[];
  /**
   * By id, each only if the task was not modified after `unmodifiedSince` (ms, Salesforce's whole
   * seconds; null: any modification): a person's edit the sync has not read yet is never overwritten.
   */
  updates: { id: string; fields: Record<string, unknown>; unmodifiedSince: number | null }[];
  deletes: string[];
}

/** Per write, in the batch's order; `undefined` for an update that did not fit this request (it goes next time). */
export interface TaskWriteBatchResult {
  upserts: RecordResult[];
  updates: (RecordResult | undefined)[];
  deletes: RecordResult[];
  /**
   * Each upserted or updated task's SystemModstamp (ms) right after the writes, by its 15-character
   * id: the stamp of the sync's own write, so a read from before it can be told apart.
   */
  stamps: Map<string, number>;
}

export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

export interface CompositeRequest {
  allOrNone: false;
  compositeRequest: CompositeSubrequest[];
}

export interface CompositeSubrequestResult {
  body: unknown;
  httpHeaders?: Record<string, string>;
  httpStatusCode: number;
  referenceId: string | null;
}

/** A planned request and where each write's answer will be. */
export interface TaskWriteComposite {
  request: CompositeRequest;
  /** How many of the batch's updates it carries (the first ones); the rest wait for the next request. */
  updatesSent: number;
}

const UPSERTS = 'upserts';
const DELETES = 'deletes';
const STAMPS = 'stamps';
const updateRef = (i: number) => `update${i}`;

/**
 * Each update is its own PATCH for `If-Unmodified-Since`. Every subrequest sets `Sforce-Call-Options`
 * itself: the guide lists only Accept, Authorization and Content-Type as inherited.
 */
export function buildTaskWriteComposite(
  batch: TaskWriteBatch,
  options: { apiVersion: string; clientName?: string },
): TaskWriteComposite {
  if (batch.upserts.length > COLLECTION_LIMIT || batch.deletes.length > COLLECTION_LIMIT)
    throw new Error(`an sObject Collections subrequest takes at most ${COLLECTION_LIMIT} records`);
  const base = `/services/data/v${options.apiVersion}`;
  const callOptions: Record<string, string> = options.clientName
    ? { 'Sforce-Call-Options': `client=${options.clientName}` }
    : {};
  const subrequests: CompositeSubrequest[] = [];
  if (batch.upserts.length > 0) {
    subrequests.push({
      method: 'PATCH',
      url: `${base}/composite/sobjects/Task/${EXTERNAL_ID_FIELD}`,
      referenceId: UPSERTS,
      body: {
        allOrNone: false,
        records: batch.upserts.map((r) => ({
          attributes: { type: 'Task' },
          ...r.fields,
          [EXTERNAL_ID_FIELD]: r.externalId,
        })),
      },
      httpHeaders: callOptions,
    });
  }
  if (batch.deletes.length > 0) {
    subrequests.push({
      method: 'DELETE',
      url: `${base}/composite/sobjects?ids=${batch.deletes.map(encodeURIComponent).join(',')}&allOrNone=false`,
      referenceId: DELETES,
      httpHeaders: callOptions,
    });
  }
  // One subrequest is kept for the stamps query.
  const updatesSent = Math.min(batch.updates.length, COMPOSITE_MAX_SUBREQUESTS - subrequests.length - 1);
  batch.updates.slice(0, updatesSent).forEach((u, i) => {
    subrequests.push({
      method: 'PATCH',
      url: `${base}/sobjects/Task/${encodeURIComponent(u.id)}`,
      referenceId: updateRef(i),
      body: u.fields,
      httpHeaders: { ...callOptions, 'If-Unmodified-Since': new Date(u.unmodifiedSince ?? 0).toUTCString() },
    });
  });
  // Last, so it reads what the writes left (subrequests run in order). By Id only, the query
  // Salesforce answers from its index: an upserted task's id is a reference to its result.
  const written = [
    ...batch.updates.slice(0, updatesSent).map((u) => soqlString(u.id)),
    ...batch.upserts.map((_, i) => `'@{${UPSERTS}[${i}].id}'`),
  ];
  if (written.length > 0)
    subrequests.push({
      method: 'GET',
      url: `${base}/query?q=${encodeKeepingReferences(`SELECT Id, SystemModstamp FROM Task WHERE Id IN (${written.join(', ')})`)}`,
      referenceId: STAMPS,
    });
  return { request: { allOrNone: false, compositeRequest: subrequests }, updatesSent };
}

/** Salesforce puts a reference's value into the url as written: `@{…}` is left as is. */
function encodeKeepingReferences(text: string): string {
  return text
    .split(/(@\{[^{}]*\})/)
    .map((part, i) => (i % 2 === 1 ? part : encodeURIComponent(part)))
    .join('');
}

function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The stamps query's rows; none when it failed (the writes' own outcomes do not depend on it), as it
 * does when an upsert record failed: its reference has no id.
 */
function stampsOf(result: CompositeSubrequestResult | undefined): Map<string, number> {
  const stamps = new Map<string, number>();
  if (!result || !succeeded(result)) return stamps;
  const records = (result.body as { records?: { Id?: string; SystemModstamp?: string }[] } | null)?.records ?? [];
  for (const r of records)
    if (r.Id && r.SystemModstamp) stamps.set(salesforceIdKey(r.Id), parseSalesforceDateTime(r.SystemModstamp));
  return stamps;
}

/** A subrequest that failed as a whole: its `[{errorCode, message}]` body, for each record it carried. */
function failureOf(result: CompositeSubrequestResult): RecordResult {
  const first = Array.isArray(result.body)
    ? (result.body[0] as { errorCode?: string; message?: string } | undefined)
    : undefined;
  return { ok: false, errorCode: first?.errorCode ?? `HTTP_${result.httpStatusCode}`, message: first?.message ?? '' };
}

const succeeded = (result: CompositeSubrequestResult) => result.httpStatusCode >= 200 && result.httpStatusCode < 300;

/** A collection subrequest's per-record results, mapped back to its records by position (Salesforce answers in order). */
function collectionResults(result: CompositeSubrequestResult | undefined, count: number): RecordResult[] {
  if (count === 0) return [];
  if (!result)
    return Array.from({ length: count }, () => ({
      ok: false,
      errorCode: 'NO_RESULT',
      message: 'the composite answer has no result for this subrequest',
    }));
  if (!succeeded(result) || !Array.isArray(result.body)) return Array.from({ length: count }, () => failureOf(result));
  const items = result.body as JsforceSaveResult[];
  return Array.from({ length: count }, (_, i) =>
    items[i] ? toRecordResult(items[i]) : { ok: false, errorCode: 'NO_RESULT', message: 'no result for this record' },
  );
}

/** An update's answer: 204 landed; 412 the task was modified after the time given (not written). */
function updateResult(result: CompositeSubrequestResult | undefined, id: string): RecordResult {
  if (!result)
    return { ok: false, errorCode: 'NO_RESULT', message: 'the composite answer has no result for this update' };
  if (succeeded(result)) return { ok: true, id };
  if (result.httpStatusCode === 412)
    return {
      ok: false,
      modifiedSince: true,
      errorCode: 'PRECONDITION_FAILED',
      message: failureOf(result).message || 'modified since the time given',
    };
  return failureOf(result);
}

/** Each write's outcome from the composite answer, by referenceId (the answer's order is not relied on). */
export function readTaskWriteComposite(
  batch: TaskWriteBatch,
  sent: TaskWriteComposite,
  answer: { compositeResponse?: CompositeSubrequestResult[] },
): TaskWriteBatchResult {
  const byRef = new Map(
    (answer.compositeResponse ?? []).filter((r) => r.referenceId !== null).map((r) => [r.referenceId as string, r]),
  );
  return {
    upserts: collectionResults(byRef.get(UPSERTS), batch.upserts.length),
    deletes: collectionResults(byRef.get(DELETES), batch.deletes.length),
    updates: batch.updates.map((u, i) =>
      i < sent.updatesSent ? updateResult(byRef.get(updateRef(i)), u.id) : undefined,
    ),
    stamps: stampsOf(byRef.get(STAMPS)),
  };
}
