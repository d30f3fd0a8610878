import {
  OTHER_SIDE,
  TASK_FIELD_NAMES,
  sameSalesforceId,
  type Side,
  type SyncedFields,
  type TaskFields,
  type TaskLink,
} from '@task-sync/task-domain';
import { type ConnectionSyncSettings, wasEnabledAt } from './connection-settings';
import { viewAsSalesConnect, viewAsSfdc } from '@task-sync/task-mapping';
import { buildWrite, mergeChange } from './merge-fields';
import type { IgnoreReason, PendingLink, SyncAction } from './sync-action';
import type { SyncChange } from './sync-change';
import { DELETE_WINDOW_MS, IMPORT_WINDOW_MS, isWithinWindowBefore, latestInstantOf } from './windows';

export interface DecisionContext {
  connectionId: string;
  settings: ConnectionSyncSettings;
  /** The link of the changed task, looked up by its id on its side; null when it has none. */
  link: TaskLink | null;
  /** The origin our own writes carry on both sides (Sforce-Call-Options client, X-Client-App). */
  ourOrigin: string;
}

const ignore = (reason: IgnoreReason): SyncAction[] => [{ type: 'ignore', reason }];
const EPOCH = new Date(0).toISOString();
const VIEW_OF: Readonly<Record<Side, (f: TaskFields) => TaskFields>> = {
  salesconnect: viewAsSalesConnect,
  sfdc: viewAsSfdc,
};

/** The rules are numbered as in shared/spec/task-sync.md. */
export function decideOnChange(context: DecisionContext, change: SyncChange): SyncAction[] {
  const { settings, link } = context;
  const off = syncOffFor(settings, change);
  if (off) return ignore(off); // R7

  // Strictly older only: two real changes can share a millisecond, and a redelivery of the
  // newest one finds nothing changed anyway.
  if (link && Date.parse(change.changedAt) < Date.parse(link.lastSeen[change.side])) return ignore('stale');

  if (change.kind === 'delete') return decideOnDelete(link, change);
  if (isOwnedByAnother(context, change)) return decideOnReassignedAway(link);
  if (change.fields === null) throw new Error(`an upsert of ${change.side} task ${change.taskId} carries no fields`);
  return link
    ? decideOnLinkedUpdate(link, change, change.fields, context.ourOrigin)
    : decideOnUnlinked(context, change, change.fields);
}

/**
 * R7: a change crosses only if sync was on when it was made, whenever it is decided. An import or a
 * re-enable's deletions belong to their enable, and stop once a disable follows it.
 */
function syncOffFor(settings: ConnectionSyncSettings, change: SyncChange): IgnoreReason | null {
  // The drift repair reads both sides now, on settings known up to now: it repairs whatever differs
  // while sync is on, edits made while it was off included (R7's last paragraph).
  if (change.source === 'repair') return settings.enabled ? null : 'sync-disabled';
  if (change.source !== 'live') {
    const enableAt = change.enableAt ? Date.parse(change.enableAt) : -Infinity;
    const disabledSince = settings.history.some((h) => h.kind === 'disable' && Date.parse(h.at) > enableAt);
    return !settings.enabled || disabledSince ? 'sync-disabled' : null;
  }
  if (wasEnabledAt(settings.history, latestInstantOf(change.side, change.changedAt))) return null;
  return settings.enabled ? 'changed-while-disabled' : 'sync-disabled';
}

/** R8: a Salesforce task whose owner is not the connection's user is not this rep's task (any more). */
function isOwnedByAnother(context: DecisionContext, change: SyncChange): boolean {
  const rep = context.settings.salesforceUserId;
  return change.side === 'sfdc' && !!change.ownerId && !!rep && !sameSalesforceId(change.ownerId, rep);
}

/**
 * R8: an open Sales Connect copy is deleted (someone else's work, it would stay in the rep's Command
 * Center); a completed one stays, unlinked, as the rep's history.
 */
function decideOnReassignedAway(link: TaskLink | null): SyncAction[] {
  if (!link) return ignore('owned-by-another-user');
  const unlink: SyncAction = {
    type: 'unlink',
    salesConnectTaskId: link.salesConnectTaskId,
    sfdcTaskId: link.sfdcTaskId,
  };
  if (!link.observed.salesconnect.open) return [unlink];
  return [{ type: 'delete', side: 'salesconnect', taskId: link.salesConnectTaskId }, unlink];
}

function decideOnDelete(link: TaskLink | null, change: SyncChange): SyncAction[] {
  if (change.source === 'reenable-deletes') {
    // R5: only deletions of the 15 days before the re-enable; Salesforce forgets older ones anyway.
    if (!change.enableAt || !isWithinWindowBefore(change.changedAt, change.enableAt, DELETE_WINDOW_MS)) {
      return ignore('deletion-outside-recycle-window');
    }
  }
  if (!link) return ignore('not-linked');
  // A delete wins over edits on the other side: the user meant the task to go.
  const other = OTHER_SIDE[change.side];
  return [
    { type: 'delete', side: other, taskId: other === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId },
    { type: 'unlink', salesConnectTaskId: link.salesConnectTaskId, sfdcTaskId: link.sfdcTaskId },
  ];
}

function decideOnUnlinked(context: DecisionContext, change: SyncChange, fields: TaskFields): SyncAction[] {
  // Our own create, seen before the writer stored its link: pairing it again would duplicate it.
  if (change.origin === context.ourOrigin) return ignore('own-write');
  if (change.side === 'sfdc' && change.externalId) return ignore('own-write');

  if (change.side === 'salesconnect') {
    // R3: only tasks created while sync was on are ever pushed; never one from before the first enable.
    if (!change.createdAt || !wasEnabledAt(context.settings.history, change.createdAt)) {
      const before = context.settings.history.find((h) => h.kind !== 'disable');
      const createdBeforeFirstEnable =
        !before || !change.createdAt || Date.parse(change.createdAt) < Date.parse(before.at);
      return ignore(createdBeforeFirstEnable ? 'created-before-enable' : 'created-while-disabled');
    }
  } else if (change.source === 'import') {
    // R2: tasks created or modified in the 24 hours before the enable, open or completed alike. One
    // changed after the enable but before the import's query ran was changed while on (R6), and the
    // live read that also sees it is dropped by the ingest as a change already published.
    if (!change.enableAt || Date.parse(change.changedAt) < Date.parse(change.enableAt) - IMPORT_WINDOW_MS) {
      return ignore('outside-import-window');
    }
  }
  const target = OTHER_SIDE[change.side];
  // A new task from Salesforce's `Low` gets Sales Connect's default, Normal.
  const created: TaskFields = { ...fields, priority: fields.priority ?? 'normal' };
  return [
    {
      type: 'create',
      side: target,
      fields: created,
      link: withVersionRead(buildPendingLink(context.connectionId, change, fields, created), change),
    },
  ];
}

/** `read`: the source task as its side showed it; `fields`: what the new task is created with. */
function buildPendingLink(connectionId: string, change: SyncChange, read: TaskFields, fields: TaskFields): PendingLink {
  const synced = Object.fromEntries(
    TASK_FIELD_NAMES.map((f) => [f, { value: fields[f], changedAt: change.changedAt, side: change.side }]),
  ) as unknown as SyncedFields;
  const ids: Record<Side, string | null> = { salesconnect: null, sfdc: null };
  ids[change.side] = change.taskId;
  return {
    connectionId,
    salesConnectTaskId: ids.salesconnect,
    sfdcTaskId: ids.sfdc,
    createdFrom: change.side,
    fields: synced,
    lastSeen: { salesconnect: EPOCH, sfdc: EPOCH, [change.side]: change.changedAt } as Record<Side, string>,
    // The created task will show what we wrote; until its change arrives, assume it does.
    observed: {
      [change.side]: read,
      [OTHER_SIDE[change.side]]: VIEW_OF[OTHER_SIDE[change.side]](fields),
    } as TaskLink['observed'],
    pending: { salesconnect: {}, sfdc: {} },
  };
}

function decideOnLinkedUpdate(link: TaskLink, change: SyncChange, fields: TaskFields, ourOrigin: string): SyncAction[] {
  // A REST read of Salesforce does not say who wrote (origin null): a value we wrote and have not
  // seen back yet is then taken as our write landing, as it is when the origin says so.
  const mayBeOurs = change.origin === ourOrigin || change.origin === null;
  const merged = mergeChange(
    link,
    change.side,
    fields,
    change.changedAt,
    mayBeOurs,
    predatesOurLastWrite(link, change),
  );
  const other = OTHER_SIDE[change.side];
  const idOn = (side: Side) => (side === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId);
  const writes = [
    ...buildWrite(other, idOn(other), merged.toOther),
    ...buildWrite(change.side, idOn(change.side), merged.backToSource),
  ];
  const actions: SyncAction[] = [
    ...writes,
    ...merged.conflicts,
    { type: 'link', link: withVersionRead(merged.link, change) },
  ];
  // Nothing to write: our own write coming back (R6 without echo loops), or nothing synced changed.
  if (writes.length === 0 && merged.conflicts.length === 0)
    actions.push({
      type: 'ignore',
      reason: change.origin === ourOrigin || sawOurWriteLand(link, merged.link, change.side) ? 'echo' : 'no-change',
    });
  return actions;
}

/**
 * A Salesforce read stamped before the sync's own last write there landed (TaskLink.sfdcWrittenAt):
 * a poll that read the task just before our update. Strictly before: Salesforce stamps whole seconds.
 */
function predatesOurLastWrite(link: TaskLink, change: SyncChange): boolean {
  return (
    change.side === 'sfdc' && !!link.sfdcWrittenAt && Date.parse(change.changedAt) < Date.parse(link.sfdcWrittenAt)
  );
}

/** Writes decided now go `If-Match` this version, so one over a change not read yet waits for it. */
function withVersionRead<L extends TaskLink | PendingLink>(link: L, change: SyncChange): L {
  if (change.side !== 'salesconnect' || change.version === undefined) return link;
  return { ...link, salesConnectVersion: Math.max(link.salesConnectVersion ?? 0, change.version) };
}

/** Whether the change took one of our pending writes off the queue (it was our write coming back). */
function sawOurWriteLand(before: TaskLink, after: TaskLink, side: Side): boolean {
  return TASK_FIELD_NAMES.some((f) => (before.pending[side][f]?.length ?? 0) > (after.pending[side][f]?.length ?? 0));
}
