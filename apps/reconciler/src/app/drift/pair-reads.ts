import { salesforceIdKey, type SalesConnectTask, type Side } from '@task-sync/task-domain';
import { mapSalesConnectTaskToFields } from '@task-sync/task-mapping';
import {
  mapTaskRecordToFields,
  salesforceDateTimeToIso as iso,
  type SalesforceTaskReader,
  type TaskRecord,
} from '@task-sync/sfdc-client';
import type { PairSideRead } from '@task-sync/sync-rules';

/** Contact and Lead e-mails read, kept for the process's life (bounded): they seldom change, and each lookup is a call. */
const WHO_EMAIL_CACHE_MAX = 50_000;

/**
 * Deleted: in the recycle bin, SystemModstamp being the deletion; missing: not answered (purged,
 * hard-deleted, or not visible to the rep).
 */
export function readSfdcSide(
  record: TaskRecord | undefined,
  whoEmails: ReadonlyMap<string, string | null>,
): PairSideRead {
  if (!record) return { state: 'missing' };
  if (record.IsDeleted) return { state: 'deleted', deletedAt: iso(record.SystemModstamp) };
  const whoEmail = record.WhoId ? (whoEmails.get(record.WhoId) ?? null) : null;
  return {
    state: 'present',
    fields: mapTaskRecordToFields(record, whoEmail),
    changedAt: iso(record.SystemModstamp),
    createdAt: iso(record.CreatedDate),
    // A REST read cannot say who wrote: the link's pending writes recognise ours, as for the poll's reads.
    origin: null,
    ownerId: record.OwnerId,
    externalId: record.SalesConnect_Task_Id__c ?? null,
  };
}

export function readSalesConnectSide(task: SalesConnectTask | undefined): PairSideRead {
  if (!task) return { state: 'missing' };
  if (task.deletedAt) return { state: 'deleted', deletedAt: task.deletedAt };
  return {
    state: 'present',
    fields: mapSalesConnectTaskToFields(task),
    changedAt: task.updatedAt,
    createdAt: task.createdAt,
    origin: task.lastModifiedBy,
    version: task.version,
  };
}

/** Salesforce ids are compared by their 15-character form. */
export function pairReads(
  pairs: readonly { sfdcTaskId: string; salesConnectTaskId: string }[],
  sfdcRecords: readonly TaskRecord[],
  whoEmails: ReadonlyMap<string, string | null>,
  salesConnectTasks: readonly SalesConnectTask[],
): Record<Side, PairSideRead>[] {
  const sfdcById = new Map(sfdcRecords.map((r) => [salesforceIdKey(r.Id), r]));
  const salesConnectById = new Map(salesConnectTasks.map((t) => [t.id, t]));
  return pairs.map((p) => ({
    sfdc: readSfdcSide(sfdcById.get(salesforceIdKey(p.sfdcTaskId)), whoEmails),
    salesconnect: readSalesConnectSide(salesConnectById.get(p.salesConnectTaskId)),
  }));
}

export async function readSfdcTasks(
  reader: SalesforceTaskReader,
  ids: readonly string[],
  whoEmails: Map<string, string | null>,
): Promise<TaskRecord[]> {
  const records = await reader.readTasksByIds(ids);
  const whoIds = records.flatMap((r) => (r.WhoId && !r.IsDeleted && !whoEmails.has(r.WhoId) ? [r.WhoId] : []));
  if (whoIds.length > 0) {
    if (whoEmails.size > WHO_EMAIL_CACHE_MAX) whoEmails.clear();
    for (const [id, email] of await reader.readWhoEmails(whoIds)) whoEmails.set(id, email);
  }
  return records;
}
