import type { TaskFieldName, TaskFields } from './task-fields';

export type Side = 'salesconnect' | 'sfdc';

export const OTHER_SIDE: Readonly<Record<Side, Side>> = { salesconnect: 'sfdc', sfdc: 'salesconnect' };

/** One field as last synced: its value, the change time that set it, and the side it came from. */
export interface SyncedField<F extends TaskFieldName = TaskFieldName> {
  value: TaskFields[F];
  changedAt: string;
  side: Side;
}

export type SyncedFields = { [F in TaskFieldName]: SyncedField<F> };

/**
 * The pair of tasks the sync keeps equal. One Sales Connect task has at most one link and one
 * Salesforce task has at most one link (unique both ways in storage).
 */
export interface TaskLink {
  connectionId: string;
  salesConnectTaskId: string;
  sfdcTaskId: string;
  /** Which side the pair started on. */
  createdFrom: Side;
  fields: SyncedFields;
  /** The newest change time applied from each side; anything older is stale. */
  lastSeen: Record<Side, string>;
  /**
   * Each side's fields as its latest change showed them. A change event is a snapshot, not a
   * diff: a field changed on a side only if it differs from that side's previous snapshot.
   */
  observed: Record<Side, TaskFields>;
  /**
   * Values the sync wrote to each side that have not come back yet, per field, oldest first. A
   * snapshot showing one of them is the sync's own write landing, not a person's change.
   */
  pending: Record<Side, PendingWrites>;
  /**
   * Sent as `If-Match` on writes to Sales Connect, so a person's change not read yet is never
   * overwritten unseen. Optional: links stored before the column have none.
   */
  salesConnectVersion?: number;
  /**
   * Salesforce's SystemModstamp of the task right after the sync's own last write there: a read
   * stamped strictly before it shows the task from before that write. Optional: set once a write lands.
   */
  sfdcWrittenAt?: string;
}

export type PendingWrites = { [F in TaskFieldName]?: TaskFields[F][] };
