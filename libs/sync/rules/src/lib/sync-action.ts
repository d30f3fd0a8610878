import type { Side, TaskFieldName, TaskFields, TaskLink } from '@task-sync/task-domain';

/** Why a change led to no write. Each reason names the rule behind it. */
export type IgnoreReason =
  | 'sync-disabled' // R7
  | 'created-before-enable' // R3
  | 'created-while-disabled' // R7: not replayed wholesale
  | 'changed-while-disabled' // R7
  | 'outside-import-window' // R2: older than 24 hours before the enable
  | 'deletion-outside-recycle-window' // R5: older than 15 days
  | 'not-linked' // a delete of a task the sync never paired
  | 'own-write' // the sync's own create, seen before its link was stored
  | 'echo' // the sync's own write coming back unchanged
  | 'no-change' // nothing synced changed (e.g. a field Sales Connect does not carry)
  | 'stale' // not newer than what was already applied from that side
  | 'owned-by-another-user'; // R8: a Salesforce task of someone else's, never linked for this rep

/** A link the writer completes with the id of the task it creates. */
export type PendingLink = Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'> & {
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
};

export type SyncAction =
  /** Create the task on `side`, then store `link` with the new id. */
  | { type: 'create'; side: Side; fields: TaskFields; link: PendingLink }
  | { type: 'update'; side: Side; taskId: string; fields: Partial<TaskFields> }
  | { type: 'complete' | 'reopen'; side: Side; taskId: string }
  | { type: 'delete'; side: Side; taskId: string }
  /** Store the link as given (new fields, new lastSeen). */
  | { type: 'link'; link: TaskLink }
  | { type: 'unlink'; salesConnectTaskId: string; sfdcTaskId: string }
  /** Both sides changed a field since the last sync: who won, for the operator. */
  | {
      type: 'conflict';
      field: TaskFieldName;
      winner: { side: Side; value: unknown; changedAt: string };
      loser: { side: Side; value: unknown; changedAt: string };
    }
  | { type: 'ignore'; reason: IgnoreReason };
