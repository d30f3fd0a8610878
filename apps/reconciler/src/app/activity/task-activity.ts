import type { Side, TaskFields } from '@task-sync/task-domain';
import type { IgnoreReason, SyncAction, SyncChange } from '@task-sync/sync-rules';
import type { TaskHealthEvent } from '@task-sync/contracts/http';

export type ActivityKind = 'read' | 'decision' | 'write' | 'conflict' | 'retry' | 'dead-letter' | 'ignored' | 'resync';

/** Where a change read came from, as the timeline names it. */
export type ReadOrigin =
  'import' | 're-enable' | 'live' | 'stream' | 'poll' | 'webhook' | 'feed' | 'drift' | 'resync' | 'held-write-read';

/** The pair a row is about: its link and both ids, and its subject as known then. */
export interface ActivitySubject {
  connectionId: string;
  linkId: string;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  subject: string | null;
}

export type ActivityEvent = Omit<TaskHealthEvent, 'kind'> & { kind: ActivityKind };

export type ActivityRow = ActivitySubject & Omit<ActivityEvent, 'at'>;

export const SIDE_NAME: Record<Side, string> = { sfdc: 'Salesforce', salesconnect: 'Sales Connect' };

/** The rule behind each ignore, in the words a rep reads on the timeline. */
export const IGNORE_REASONS: Record<IgnoreReason, string> = {
  'sync-disabled': 'sync was off when it changed (R7)',
  'created-before-enable': 'it was created before sync was turned on; existing Sales Connect tasks are not sent (R3)',
  'created-while-disabled': 'it was created while sync was off; such tasks are not replayed (R7)',
  'changed-while-disabled': 'it changed while sync was off (R7)',
  'outside-import-window': 'it changed more than 24 hours before sync was turned on (R2)',
  'deletion-outside-recycle-window': 'the deletion is older than the 15-day window (R5)',
  'not-linked': 'a deletion of a task the sync never paired',
  'own-write': "the sync's own create, seen before its pair was stored",
  echo: "the sync's own write coming back",
  'no-change': 'nothing the sync carries changed',
  stale: 'not newer than a change already applied from that side',
  'owned-by-another-user': 'the Salesforce task belongs to another user (R8)',
};

/** A change's source as the timeline's origin; drift repair's readings are a resync when a person asked for them. */
export function originOfChange(
  change: Pick<SyncChange, 'source' | 'via'>,
  repairAs: 'drift' | 'resync' | 'held-write-read' = 'drift',
): ReadOrigin {
  if (change.source === 'import') return 'import';
  if (change.source === 'reenable-deletes') return 're-enable';
  if (change.source === 'repair') return repairAs;
  // A live change says how it was read (the stream, a poll, a webhook, the feed); older events do not.
  return change.via ?? 'live';
}

/** The subject a change or a link shows (Sales Connect's name, Salesforce's Subject). */
export const subjectOf = (fields: Pick<TaskFields, 'title'> | null | undefined): string | null => fields?.title ?? null;

export function describeRead(
  of: ActivitySubject,
  change: SyncChange,
  origin: ReadOrigin,
  ourOrigin: string,
): ActivityRow {
  const own = change.origin === ourOrigin;
  const what = change.kind === 'delete' ? 'deleted' : 'changed';
  return {
    ...of,
    kind: 'read',
    side: change.side,
    origin,
    summary: `${SIDE_NAME[change.side]}: task ${what}${own ? " (the sync's own write)" : ''}`,
    reason: null,
    outcome: null,
    code: null,
    detail: { taskId: change.taskId, changedAt: change.changedAt, by: change.origin, echo: own, fields: change.fields },
  };
}

type WriteAction = Extract<SyncAction, { type: 'create' | 'update' | 'complete' | 'reopen' | 'delete' }>;

export function describeDecision(of: ActivitySubject, change: SyncChange, actions: readonly SyncAction[]): ActivityRow {
  const ignored = actions.find((a): a is Extract<SyncAction, { type: 'ignore' }> => a.type === 'ignore');
  const writes = actions.filter(
    (a): a is WriteAction =>
      a.type === 'create' || a.type === 'update' || a.type === 'complete' || a.type === 'reopen' || a.type === 'delete',
  );
  const conflicts = actions.filter((a) => a.type === 'conflict');
  const base = { ...of, kind: 'decision' as const, side: change.side, origin: null, code: null };
  if (ignored && writes.length === 0) {
    return {
      ...base,
      summary: `Not synced: ${IGNORE_REASONS[ignored.reason]}`,
      reason: ignored.reason,
      outcome: 'ignore',
      detail: null,
    };
  }
  if (writes.length === 0) {
    const unlink = actions.some((a) => a.type === 'unlink');
    return {
      ...base,
      summary: unlink ? 'The pair was unlinked' : 'Recorded; nothing to write',
      reason: unlink ? 'unlink' : 'link',
      outcome: unlink ? 'unlink' : 'link',
      detail: null,
    };
  }
  const parts = writes.map((a) => {
    const fields = a.type === 'update' ? ` (${Object.keys(a.fields).join(', ')})` : '';
    return `${a.type} in ${SIDE_NAME[a.side]}${fields}`;
  });
  const reason =
    conflicts.length > 0
      ? `both sides changed since the last sync; the later change wins, field by field`
      : change.kind === 'delete'
        ? `a deletion in ${SIDE_NAME[change.side]} deletes the other side's task (R6)`
        : `a change in ${SIDE_NAME[change.side]} crosses to the other side`;
  return {
    ...base,
    summary: `Sync: ${parts.join('; ')}`,
    reason,
    outcome: 'sync',
    detail: {
      actions: writes.map((a) => ({
        type: a.type,
        side: a.side,
        ...(a.type === 'update' || a.type === 'create' ? { fields: a.fields } : {}),
      })),
    },
  };
}

export function describeConflict(
  of: ActivitySubject,
  conflict: Extract<SyncAction, { type: 'conflict' }>,
): ActivityRow {
  return {
    ...of,
    kind: 'conflict',
    side: conflict.winner.side,
    origin: null,
    summary: `Conflict on ${conflict.field}: ${SIDE_NAME[conflict.winner.side]}'s later change wins`,
    reason: 'both sides changed the field since the last sync; the later change wins',
    outcome: conflict.winner.side,
    code: null,
    detail: { field: conflict.field, winner: conflict.winner, loser: conflict.loser },
  };
}

export function describeWrite(
  of: ActivitySubject,
  write: { side: Side; kind: string; fields?: unknown },
  outcome: { kind: 'ok' } | { kind: 'failed' | 'retrying'; code: string; reason: string },
): ActivityRow {
  const summary =
    outcome.kind === 'ok'
      ? `${capitalize(write.kind)} written to ${SIDE_NAME[write.side]}`
      : outcome.kind === 'failed'
        ? `${capitalize(write.kind)} to ${SIDE_NAME[write.side]} failed`
        : `${capitalize(write.kind)} to ${SIDE_NAME[write.side]} failed for now; tried again shortly`;
  return {
    ...of,
    kind: 'write',
    side: write.side,
    origin: null,
    summary,
    reason: outcome.kind === 'ok' ? null : outcome.reason,
    outcome: outcome.kind,
    code: outcome.kind === 'ok' ? null : outcome.code,
    detail: write.fields ? { fields: write.fields } : null,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
