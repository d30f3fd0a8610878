import {
  OTHER_SIDE,
  TASK_FIELD_NAMES,
  type PendingWrites,
  type Side,
  type SyncedField,
  type TaskFieldName,
  type TaskFields,
  type TaskLink,
} from '@task-sync/task-domain';
import { fieldMatches, viewAsSalesConnect, viewAsSfdc } from '@task-sync/task-mapping';
import type { SyncAction } from './sync-action';

/** On equal change times the same side always wins, so every replica decides alike. */
export const TIE_WINNER: Side = 'sfdc';

const VIEWS: Readonly<Record<Side, (fields: TaskFields) => TaskFields>> = {
  salesconnect: viewAsSalesConnect,
  sfdc: viewAsSfdc,
};

/** The agreed values of a link, as a side can hold them (Salesforce cuts long texts). */
export function viewOfLink(link: TaskLink, side: Side): TaskFields {
  const values = Object.fromEntries(TASK_FIELD_NAMES.map((f) => [f, link.fields[f].value])) as unknown as TaskFields;
  return VIEWS[side](values);
}

function viewField<F extends TaskFieldName>(
  side: Side,
  field: F,
  value: TaskFields[F],
  template: TaskFields,
): TaskFields[F] {
  return VIEWS[side]({ ...template, [field]: value })[field];
}

function wins(incoming: { side: Side; changedAt: string }, current: SyncedField): boolean {
  const a = Date.parse(incoming.changedAt);
  const b = Date.parse(current.changedAt);
  if (a !== b) return a > b;
  // Equal times: from the same side the later event is the newer; across sides, TIE_WINNER.
  return incoming.side === current.side || incoming.side === TIE_WINNER;
}

/**
 * An edit over the agreed value comes after it whatever the stamps say: Salesforce stamps whole
 * seconds, so an edit at 56.9 reads 56.000, before the Sales Connect change at 56.3 it followed.
 */
function madeOverAgreedValue(side: Side, f: TaskFieldName, previous: TaskFields, current: SyncedField): boolean {
  return fieldMatches(f, previous[f], viewField(side, f, current.value as never, previous));
}

/** Writes remembered per field and side; older ones that never came back are dropped. */
const MAX_PENDING = 5;

export interface MergeResult {
  link: TaskLink;
  /** Fields the other side must now take. */
  toOther: Partial<TaskFields>;
  /** Fields the changed side must take (back): what it shows is not what was agreed. */
  backToSource: Partial<TaskFields>;
  conflicts: Extract<SyncAction, { type: 'conflict' }>[];
}

/**
 * Per field, the latest change wins (ties to TIE_WINNER), so the same changes in any order give the
 * same values: both sides converge whatever order Kafka delivers the two topics in.
 */
export function mergeChange(
  link: TaskLink,
  side: Side,
  read: TaskFields,
  changedAt: string,
  fromUs: boolean,
  predatesOurWrite = false,
): MergeResult {
  const other = OTHER_SIDE[side];
  const fields = { ...link.fields } as Record<TaskFieldName, SyncedField>;
  const pending: Record<Side, PendingWrites> = {
    salesconnect: { ...link.pending.salesconnect },
    sfdc: { ...link.pending.sfdc },
  };
  const conflicts: MergeResult['conflicts'] = [];
  const previous = link.observed[side];

  for (const f of TASK_FIELD_NAMES) {
    const queue = (pending[side][f] ?? []) as unknown[];
    const landed = fromUs ? queue.findIndex((v) => fieldMatches(f, read[f], viewField(side, f, v as never, read))) : -1;
    if (landed >= 0) {
      // Our own write arriving (even one that changed nothing there): no one's intent.
      (pending[side] as Record<string, unknown[]>)[f] = queue.slice(landed + 1);
      continue;
    }
    if (fieldMatches(f, read[f], previous[f])) continue; // not changed on this side
    // A person's change. Our writes still queued may land after it, so they stay queued.
    const current = fields[f];
    const incoming: SyncedField = { side, value: read[f], changedAt };
    if (madeOverAgreedValue(side, f, previous, current)) {
      fields[f] = incoming;
      continue;
    }
    // Both sides changed it since this side was last seen: a conflict, whoever wins.
    const concurrent = current.side === other && Date.parse(current.changedAt) > Date.parse(link.lastSeen[side]);
    if (wins(incoming, current)) {
      fields[f] = incoming;
      if (concurrent) conflicts.push({ type: 'conflict', field: f, winner: incoming, loser: { ...current } });
    } else {
      conflicts.push({ type: 'conflict', field: f, winner: { ...current }, loser: incoming });
    }
  }

  const merged: TaskLink = {
    ...link,
    fields: fields as TaskLink['fields'],
    lastSeen: { ...link.lastSeen, [side]: changedAt },
    observed: { ...link.observed, [side]: read },
    pending,
  };
  const toOther = listWritesToConverge(merged, other, link.observed[other], (f) => fields[f] !== link.fields[f]);
  // A read older than our last write that landed there shows the side before that write: a value
  // the write carried (still pending) is there now, and writing it again would only cost a call.
  const backToSource = listWritesToConverge(merged, side, read, () => true, predatesOurWrite);
  return { link: merged, toOther, backToSource, conflicts };
}

/**
 * A write in flight is not trusted to land: with polling its echo can be coalesced away, and a
 * redundant write costs less than a lasting difference.
 */
function listWritesToConverge(
  link: TaskLink,
  side: Side,
  shows: TaskFields,
  consider: (f: TaskFieldName) => boolean,
  trustPending = false,
): Partial<TaskFields> {
  const agreed = viewOfLink(link, side);
  const writes: Record<string, unknown> = {};
  for (const f of TASK_FIELD_NAMES) {
    if (!consider(f) || fieldMatches(f, shows[f], agreed[f])) continue;
    const queue = (link.pending[side][f] ?? []) as unknown[];
    // `trustPending`: a write of ours queued or landed there already carries the agreed value.
    if (trustPending && queue.some((v) => fieldMatches(f, agreed[f], viewField(side, f, v as never, agreed)))) continue;
    const value = link.fields[f].value;
    writes[f] = value;
    (link.pending[side] as Record<string, unknown[]>)[f] = [...queue, value].slice(-MAX_PENDING);
  }
  return writes as Partial<TaskFields>;
}

/** A write of some fields to one side: complete/reopen when only the status moves. */
export function buildWrite(side: Side, taskId: string, fields: Partial<TaskFields>): SyncAction[] {
  const names = Object.keys(fields);
  if (names.length === 0) return [];
  if (names.length === 1 && fields.open !== undefined)
    return [{ type: fields.open ? 'reopen' : 'complete', side, taskId }];
  return [{ type: 'update', side, taskId, fields }];
}
