import { floorToSecond, parseSalesforceDateTime, type TaskRecordById } from '@task-sync/sfdc-client';
import type { TaskChangeEvent } from '@task-sync/sfdc-change-feed';
import { receivesChangeMadeAt } from '@task-sync/sync-rules';
import { salesforceIdKey, sameSalesforceId, uniqueSalesforceIds } from '@task-sync/task-domain';

/** An enabled connection of the org, the Salesforce user whose tasks it syncs, and since when (its latest enable, ms). */
export interface OrgConnection {
  connectionId: string;
  sfdcUserId: string;
  enabledSince: number | null;
  /** Set when sync is off now: a change made before this instant still goes to it (R7 exact). */
  disabledAt?: number | null;
}

/** One task read for one connection, with the client that wrote it when that is known for sure. */
export interface RoutedRecord {
  connectionId: string;
  record: TaskRecordById;
  origin: string | null;
  /**
   * When the change the read shows was committed (ms), from its change event; null unless the read
   * is surely that event's state. SystemModstamp is whole seconds: a person's edit just after the
   * sync's own write, in the same second, would otherwise pass for earlier than the change the write carried.
   */
  madeAt: number | null;
  /** The connection owned the task before and does not now: told once, so it stops syncing it (R8). */
  formerOwner?: true;
}

export interface OrgBatchRouting {
  routed: RoutedRecord[];
  /** Read, but owned by no enabled connection of the org (another user's, or a disabled one's). */
  notOurs: number;
  /** Changed before its connection's latest enable (a replayed event): that enable's import covers it (R2, R5, R7). */
  beforeEnable: number;
  /** Named by an event but not answered by the read: purged from the recycle bin already. */
  unanswered: number;
}

/**
 * The records a batch names, once each, in the order they first appear. GAP_OVERFLOW names none
 * (over 100,000 changes in one transaction): counted, for the caller to say the polls cover it.
 */
export function collectRecordIds(batch: readonly TaskChangeEvent[]): { recordIds: string[]; overflows: number } {
  const overflows = batch.filter((event) => event.changeType === 'GAP_OVERFLOW').length;
  return { recordIds: uniqueSalesforceIds(batch.flatMap((event) => event.recordIds)), overflows };
}

/**
 * To the owner's connections, and once to a former owner's (R8) so the reconciler stops syncing it
 * there. Not to a connection enabled after the stamp: that change is the enable's import (R7).
 */
export function routeOrgBatch(
  batch: readonly TaskChangeEvent[],
  records: readonly TaskRecordById[],
  connections: readonly OrgConnection[],
  routes: ReadonlyMap<string, readonly string[]> = new Map(),
): OrgBatchRouting {
  const enabled = new Map(connections.map((c) => [c.connectionId, c]));
  const byOwner = new Map<string, OrgConnection[]>();
  for (const c of connections)
    byOwner.set(salesforceIdKey(c.sfdcUserId), [...(byOwner.get(salesforceIdKey(c.sfdcUserId)) ?? []), c]);
  const lastEventOf = new Map<string, TaskChangeEvent>();
  for (const event of batch) for (const id of event.recordIds) lastEventOf.set(salesforceIdKey(id), event);

  const routed: RoutedRecord[] = [];
  let notOurs = 0;
  let beforeEnable = 0;
  for (const record of records) {
    const owners = byOwner.get(salesforceIdKey(record.OwnerId)) ?? [];
    if (owners.length === 0) notOurs += 1;
    const event = lastEventOf.get(salesforceIdKey(record.Id));
    const shown = event ? eventShownBy(record, event) : null;
    const origin = shown?.origin ?? null;
    const madeAt = shown?.madeAt ?? null;
    const stamp = parseSalesforceDateTime(record.SystemModstamp);
    // A connection the task went to before, whose user no longer owns it: told once, with the new owner (R8).
    const former = (routes.get(salesforceIdKey(record.Id)) ?? [])
      .filter((id) => !owners.some((o) => o.connectionId === id))
      .flatMap((id) => enabled.get(id) ?? []);
    for (const { connectionId, enabledSince, disabledAt } of [...owners, ...former]) {
      // Stamped in whole seconds: a change in the disable's second may precede it, and the reconciler judges it exactly.
      if (!receivesChangeMadeAt({ disabledAt: disabledAt ?? null }, stamp)) continue;
      if (changedBeforeEnable(stamp, enabledSince)) beforeEnable += 1;
      else if (owners.some((o) => o.connectionId === connectionId))
        routed.push({ connectionId, record, origin, madeAt });
      else routed.push({ connectionId, record, origin: null, madeAt: null, formerOwner: true });
    }
  }
  const answered = new Set(records.map((r) => salesforceIdKey(r.Id)));
  const unanswered = [...lastEventOf.keys()].filter((id) => !answered.has(id)).length;
  return { routed, notOurs, beforeEnable, unanswered };
}

/** Fields an event body and a REST read both carry as the same JSON value. */
const COMPARABLE_FIELDS = [
  'Subject',
  'Description',
  'ActivityDate',
  'Status',
  'Priority',
  'TaskSubtype',
  'WhoId',
  'OwnerId',
  'SalesConnect_Task_Id__c',
] as const;
/** Ids may be written in either of their forms. */
const ID_FIELDS = new Set<string>(['WhoId', 'OwnerId']);

function sameValue(field: string, read: unknown, sent: unknown): boolean {
  if (ID_FIELDS.has(field) && typeof read === 'string' && typeof sent === 'string') return sameSalesforceId(read, sent);
  return read === (sent ?? null);
}

/**
 * What `event` says of the read, its writing client and its commit time (ms), only when the read is
 * surely the state it left; else null (no origin, the whole-second stamp stands). Guessing wrong is
 * worse than not knowing, as our origin on a user's change would have it ignored (the reconciler's
 * pending writes catch echoes).
 */
export function eventShownBy(
  record: TaskRecordById,
  event: TaskChangeEvent,
): { origin: string | null; madeAt: number } | null {
  return showsStateOf(record, event) ? { origin: event.originClient, madeAt: event.commitTimestamp } : null;
}

function showsStateOf(record: TaskRecordById, event: TaskChangeEvent): boolean {
  if (record.IsDeleted) return false;
  if (event.changeType !== 'CREATE' && event.changeType !== 'UPDATE' && event.changeType !== 'UNDELETE') return false;
  if (floorToSecond(parseSalesforceDateTime(record.SystemModstamp)) !== floorToSecond(event.commitTimestamp))
    return false;
  if (!record.LastModifiedById || !sameSalesforceId(record.LastModifiedById, event.commitUser)) return false;
  const read = record as unknown as Record<string, unknown>;
  for (const field of COMPARABLE_FIELDS) {
    if (field in event.fields && !sameValue(field, read[field], event.fields[field])) return false;
    if (event.nulledFields.includes(field) && read[field] !== null) return false;
  }
  return true;
}

/**
 * A change stamped before the connection's enable is that enable's import (R2, R5, R7). Stamps are
 * whole seconds: one in the enable's own second may have been written after the import read, so it
 * goes live too (the import reads to the end of that second as well; what both send is the same state).
 */
export function changedBeforeEnable(stamp: number, enabledSince: number | null): boolean {
  return enabledSince !== null && stamp < floorToSecond(enabledSince);
}

/** One delete to publish for one connection. */
export interface RoutedDelete {
  connectionId: string;
  taskId: string;
  stamp: number;
}

/**
 * getDeleted answers for the whole org. A task purged from the bin has no owner to read: it goes where
 * it was published, or to every connection (the reconciler acts only on a linked task).
 */
export function routeDeletes(
  deleted: readonly { id: string; deletedAt: number }[],
  ownerInBin: ReadonlyMap<string, string>,
  routes: ReadonlyMap<string, readonly string[]>,
  connections: readonly OrgConnection[],
): RoutedDelete[] {
  const routed: RoutedDelete[] = [];
  for (const d of deleted) {
    const owner = ownerInBin.get(salesforceIdKey(d.id));
    const went = routes.get(salesforceIdKey(d.id));
    const to = owner
      ? connections.filter((c) => sameSalesforceId(c.sfdcUserId, owner))
      : went
        ? connections.filter((c) => went.includes(c.connectionId))
        : connections;
    for (const c of to)
      if (
        receivesChangeMadeAt({ disabledAt: c.disabledAt ?? null }, d.deletedAt) &&
        !changedBeforeEnable(d.deletedAt, c.enabledSince)
      )
        routed.push({ connectionId: c.connectionId, taskId: d.id, stamp: d.deletedAt });
  }
  return routed;
}
