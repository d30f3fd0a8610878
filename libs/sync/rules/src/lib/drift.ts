import {
  TASK_FIELD_NAMES,
  sameSalesforceId,
  type Side,
  type TaskFieldName,
  type TaskFields,
  type TaskLink,
} from '@task-sync/task-domain';
import { fieldMatches, viewAsSfdc } from '@task-sync/task-mapping';
import { wasEnabledAt, type ConnectionSyncSettings } from './connection-settings';
import { decideOnChange } from './decide';
import { viewOfLink } from './merge-fields';
import type { SyncAction } from './sync-action';
import type { SyncChange } from './sync-change';
import { latestInstantOf } from './windows';

export type PairSideRead =
  /** The task as its side holds it now, with what a change event would carry. */
  | {
      state: 'present';
      fields: TaskFields;
      /** Sales Connect updatedAt; Salesforce SystemModstamp. */
      changedAt: string;
      createdAt: string | null;
      /** Sales Connect lastModifiedBy; null for Salesforce (a REST read cannot say who wrote). */
      origin: string | null;
      /** Sales Connect only. */
      version?: number;
      /** Salesforce only (R8). */
      ownerId?: string | null;
      /** Salesforce only: SalesConnect_Task_Id__c. */
      externalId?: string | null;
    }
  /** Deleted, and the side still says when: Salesforce's recycle bin (IsDeleted, 15 days), a Sales Connect tombstone. */
  | { state: 'deleted'; deletedAt: string }
  /** Not answered at all: purged from the recycle bin, hard-deleted, or no longer visible to the rep. */
  | { state: 'missing' };

export interface DriftContext {
  connectionId: string;
  settings: ConnectionSyncSettings;
  ourOrigin: string;
  now: string;
  /** A change this recent may still be on its way (ingest, Kafka): left to the live path this pass. */
  settleMs: number;
  /** Writes for this pair are still queued: it is converging, not drifting. */
  writesQueued: boolean;
}

export type DriftSkipReason = 'sync-disabled' | 'writes-queued' | 'changed-recently' | 'stale-read';

export type DriftRepair =
  /** Feed these changes to the live decision path (decideOnChange), in order: its actions repair the pair. */
  | { kind: 'decide'; changes: SyncChange[] }
  /** Only unlink the pair: nothing is written to either side. */
  | { kind: 'unlink' };

export type DriftVerdict =
  | { verdict: 'in-sync' }
  | { verdict: 'skipped'; reason: DriftSkipReason }
  | {
      verdict: 'differs';
      /** The fields whose values differ between the sides or from the agreed ones (empty when a side is gone). */
      fields: TaskFieldName[];
      /** Which side is gone, if any (`both`: neither is left). */
      gone: Side | 'both' | null;
      repair: DriftRepair;
      /** What the repair decides on the pair as read (the service decides again on the link as locked then). */
      actions: SyncAction[];
      /** The repair ends the pair. */
      unlinks: boolean;
    };

const SIDES: readonly Side[] = ['sfdc', 'salesconnect'];
const WRITES = new Set<SyncAction['type']>(['create', 'update', 'complete', 'reopen', 'delete']);

/**
 * Drift repair goes through the live rules: each side's reading becomes a change (`source: 'repair'`)
 * for decideOnChange, so the conflict and echo rules are the same as live. A side gone:
 * - Salesforce in the recycle bin: the deletion applies (the bin keeps 15 days, within R5's window);
 * - Salesforce gone for good: unlinked only (when it went is unknown; R5 applies none past 15 days);
 * - Sales Connect deleted while sync was on: the Salesforce task is deleted (R6); while off, or with
 *   no tombstone: unlinked, Salesforce left alone (R7). Both gone: unlinked.
 */
export function compareLinkedPair(
  context: DriftContext,
  link: TaskLink,
  reads: Record<Side, PairSideRead>,
): DriftVerdict {
  if (!context.settings.enabled) return { verdict: 'skipped', reason: 'sync-disabled' };
  if (context.writesQueued) return { verdict: 'skipped', reason: 'writes-queued' };
  if (SIDES.some((side) => changedRecently(context, reads[side])))
    return { verdict: 'skipped', reason: 'changed-recently' };

  const sfdc = reads.sfdc;
  const salesConnect = reads.salesconnect;
  if (sfdc.state !== 'present' || salesConnect.state !== 'present') return decideOnGone(context, link, reads);

  const differing = listDifferingFields(link, sfdc.fields, salesConnect.fields);
  if (differing.length === 0 && !isOwnedByAnother(context, sfdc)) return { verdict: 'in-sync' };

  // Each side whose reading was not seen yet (a lost change), or that does not hold the agreed values
  // (a lost write) and is not being written them already, goes to the rules as a change.
  let current = link;
  const changes: SyncChange[] = [];
  const actions: SyncAction[] = [];
  const writing: Record<Side, Set<string>> = { sfdc: new Set(), salesconnect: new Set() };
  for (const side of SIDES) {
    const read = reads[side] as Extract<PairSideRead, { state: 'present' }>;
    // Newer than the last change the link saw from that side counts too: the link then learns it (our own
    // write landing, or a change to unsynced fields), so writes to that side are not held for it.
    const unseen =
      Date.parse(read.changedAt) > Date.parse(current.lastSeen[side]) ||
      TASK_FIELD_NAMES.some((f) => !fieldMatches(f, read.fields[f], current.observed[side][f] as never));
    const agreed = viewOfLink(current, side);
    const lostWrite = TASK_FIELD_NAMES.some(
      (f) => !writing[side].has(f) && !fieldMatches(f, read.fields[f], agreed[f] as never),
    );
    if (!unseen && !lostWrite && !(side === 'sfdc' && isOwnedByAnother(context, read))) continue;
    const change = repairChangeOf(side, side === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId, read);
    const decided = decideOnChange(
      { connectionId: context.connectionId, settings: context.settings, link: current, ourOrigin: context.ourOrigin },
      change,
    );
    changes.push(change);
    actions.push(...decided);
    for (const a of decided) {
      if (a.type === 'link') current = a.link;
      if (a.type === 'update') for (const f of Object.keys(a.fields)) writing[a.side].add(f);
      if (a.type === 'complete' || a.type === 'reopen') writing[a.side].add('open');
    }
    if (decided.some((a) => a.type === 'unlink')) break;
  }
  const unlinks = actions.some((a) => a.type === 'unlink');
  // A reading older than what the link has seen from that side: a change is on its way; the next pass looks again.
  const acted = unlinks || actions.some((a) => WRITES.has(a.type) || a.type === 'conflict');
  if (!acted && actions.some((a) => a.type === 'ignore' && a.reason === 'stale'))
    return { verdict: 'skipped', reason: 'stale-read' };
  // Otherwise either something is written, or the sides already agree and only the link learns what they hold.
  return { verdict: 'differs', fields: differing, gone: null, repair: { kind: 'decide', changes }, actions, unlinks };
}

function listDifferingFields(link: TaskLink, sfdc: TaskFields, salesConnect: TaskFields): TaskFieldName[] {
  const agreedSfdc = viewOfLink(link, 'sfdc');
  const agreedSalesConnect = viewOfLink(link, 'salesconnect');
  const salesConnectAsSfdc = viewAsSfdc(salesConnect);
  return TASK_FIELD_NAMES.filter(
    (f) =>
      !fieldMatches(f, sfdc[f], salesConnectAsSfdc[f] as never) ||
      !fieldMatches(f, sfdc[f], agreedSfdc[f] as never) ||
      !fieldMatches(f, salesConnect[f], agreedSalesConnect[f] as never),
  );
}

function decideOnGone(context: DriftContext, link: TaskLink, reads: Record<Side, PairSideRead>): DriftVerdict {
  const gone = SIDES.filter((side) => reads[side].state !== 'present');
  const unlinkOnly = (side: Side | 'both'): DriftVerdict => ({
    verdict: 'differs',
    fields: [],
    gone: side,
    repair: { kind: 'unlink' },
    actions: [{ type: 'unlink', salesConnectTaskId: link.salesConnectTaskId, sfdcTaskId: link.sfdcTaskId }],
    unlinks: true,
  });
  if (gone.length === 2) return unlinkOnly('both');
  const side = gone[0];
  const read = reads[side];
  if (read.state !== 'deleted') return unlinkOnly(side);
  // A Sales Connect delete crosses only when it was made while sync was on (R6, R7); a Salesforce one always (R6, R5).
  if (side === 'salesconnect' && !wasEnabledAt(context.settings.history, latestInstantOf(side, read.deletedAt)))
    return unlinkOnly(side);
  const change: SyncChange = {
    side,
    kind: 'delete',
    taskId: side === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId,
    fields: null,
    changedAt: read.deletedAt,
    createdAt: null,
    origin: null,
    source: 'repair',
  };
  const actions = decideOnChange(
    { connectionId: context.connectionId, settings: context.settings, link, ourOrigin: context.ourOrigin },
    change,
  );
  // A deletion stamped before a change the link already saw from that side (clocks apart): the task is gone all the same.
  if (!actions.some((a) => a.type === 'unlink')) return unlinkOnly(side);
  return {
    verdict: 'differs',
    fields: [],
    gone: side,
    repair: { kind: 'decide', changes: [change] },
    actions,
    unlinks: true,
  };
}

function changedRecently(context: DriftContext, read: PairSideRead): boolean {
  const at = read.state === 'present' ? read.changedAt : read.state === 'deleted' ? read.deletedAt : null;
  return at !== null && Date.parse(context.now) - Date.parse(at) < context.settleMs;
}

function isOwnedByAnother(context: DriftContext, read: Extract<PairSideRead, { state: 'present' }>): boolean {
  const rep = context.settings.salesforceUserId;
  return !!read.ownerId && !!rep && !sameSalesforceId(read.ownerId, rep);
}

/** A side's task as read now, as a change for the live rules (`source: 'repair'`): drift repair's, and a held write's target read directly. */
export function repairChangeOf(
  side: Side,
  taskId: string,
  read: Extract<PairSideRead, { state: 'present' }>,
): SyncChange {
  return {
    side,
    kind: 'upsert',
    taskId,
    fields: read.fields,
    changedAt: read.changedAt,
    createdAt: read.createdAt,
    origin: read.origin,
    source: 'repair',
    ...(read.version !== undefined ? { version: read.version } : {}),
    ...(read.ownerId !== undefined ? { ownerId: read.ownerId } : {}),
    ...(read.externalId !== undefined ? { externalId: read.externalId } : {}),
  };
}
