import { randomUUID } from 'node:crypto';
import type { Side, TaskLink } from '@task-sync/task-domain';
import type { PendingLink, QueuedWrite, SyncChange } from '@task-sync/sync-rules';

export const SIDES: readonly Side[] = ['sfdc', 'salesconnect'];

/** A link as one transaction sees it: its ids (null until the create on that side landed) and its state. */
export interface RunLink {
  id: string;
  connectionId: string;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  state: Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>;
  unlinked: boolean;
}

export interface RunConflict {
  connectionId: string;
  link: RunLink;
  field: string;
  winner: unknown;
  loser: unknown;
}

/** A write the run decided, for task_write, in the order decided. */
export interface RunWrite {
  connectionId: string;
  linkId: string;
  side: Side;
  write: QueuedWrite;
}

export interface RunChanges {
  sfdcIdsFound: RunLink[];
  changed: RunLink[];
  created: RunLink[];
  conflicts: RunConflict[];
  writes: RunWrite[];
}

/** A link's state: all but its ids, which the run keeps (and the table stores) apart. */
function stateOf(link: TaskLink | PendingLink): RunLink['state'] {
  const state: Partial<TaskLink | PendingLink> = { ...link };
  delete state.salesConnectTaskId;
  delete state.sfdcTaskId;
  return state as RunLink['state'];
}

const keyOf = (connectionId: string, taskId: string) => `${connectionId}\n${taskId}`;
const idOn = (link: { salesConnectTaskId: string | null; sfdcTaskId: string | null }, side: Side) =>
  side === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId;

/** Per side, the (connection, task id) pairs whose live links a run of changes may name: by the changed task's id, and a Salesforce change's external id. */
export function linkKeysOf(
  changes: readonly { connectionId: string; change: SyncChange }[],
): Record<Side, [string, string][]> {
  const wanted: Record<Side, Map<string, [string, string]>> = { sfdc: new Map(), salesconnect: new Map() };
  for (const { connectionId, change } of changes) {
    wanted[change.side].set(keyOf(connectionId, change.taskId), [connectionId, change.taskId]);
    if (change.side === 'sfdc' && change.externalId)
      wanted.salesconnect.set(keyOf(connectionId, change.externalId), [connectionId, change.externalId]);
  }
  return { sfdc: [...wanted.sfdc.values()], salesconnect: [...wanted.salesconnect.values()] };
}

/**
 * In memory between lockForRun and saveRun: an import decides a hundred or more changes a run, and a
 * few statements for all of them instead of four or five each is what lets the reconciler keep up.
 */
export class RunLinks {
  private readonly live: Record<Side, Map<string, RunLink>> = { sfdc: new Map(), salesconnect: new Map() };
  private readonly created = new Map<string, RunLink>();
  private readonly changed = new Map<string, RunLink>();
  private readonly sfdcIdsFound = new Map<string, RunLink>();
  private readonly writes: RunWrite[] = [];
  private readonly conflicts: RunConflict[] = [];

  constructor(read: readonly RunLink[] = []) {
    const seen = new Set<string>();
    for (const link of read) {
      if (seen.has(link.id)) continue;
      seen.add(link.id);
      this.register(link);
    }
  }

  /** The live link of the changed task; a Salesforce task we created is also found by its external id (the Sales Connect id). */
  find(connectionId: string, change: SyncChange): RunLink | null {
    const found = this.live[change.side].get(keyOf(connectionId, change.taskId));
    if (found) return found;
    if (change.side !== 'sfdc' || !change.externalId) return null;
    const byExternal = this.live.salesconnect.get(keyOf(connectionId, change.externalId));
    if (!byExternal) return null;
    if (!byExternal.sfdcTaskId) {
      // The create's answer may not have been stored yet: the change itself names the Salesforce id.
      byExternal.sfdcTaskId = change.taskId;
      this.live.sfdc.set(keyOf(connectionId, change.taskId), byExternal);
      if (!this.created.has(byExternal.id)) this.sfdcIdsFound.set(byExternal.id, byExternal);
    }
    return byExternal;
  }

  /** A new link; null when a live link already holds one of its tasks (never a second pair). */
  create(connectionId: string, pending: PendingLink): RunLink | null {
    for (const side of SIDES) {
      const taskId = idOn(pending, side);
      if (taskId && this.live[side].has(keyOf(connectionId, taskId))) return null;
    }
    const link: RunLink = {
      id: randomUUID(),
      connectionId,
      salesConnectTaskId: pending.salesConnectTaskId,
      sfdcTaskId: pending.sfdcTaskId,
      state: stateOf(pending),
      unlinked: false,
    };
    this.register(link);
    this.created.set(link.id, link);
    return link;
  }

  /** The link's new state (fields, lastSeen, …); its ids stay as they are. */
  store(link: RunLink, next: TaskLink): void {
    link.state = stateOf(next);
    this.touch(link);
  }

  /** Kept (not deleted) so a queued write can still find the ids; no longer found by lookups. */
  unlink(link: RunLink): void {
    link.unlinked = true;
    for (const side of SIDES) {
      const taskId = idOn(link, side);
      const key = taskId ? keyOf(link.connectionId, taskId) : null;
      if (key && this.live[side].get(key) === link) this.live[side].delete(key);
    }
    this.touch(link);
  }

  queue(link: RunLink, side: Side, write: QueuedWrite): void {
    this.writes.push({ connectionId: link.connectionId, linkId: link.id, side, write });
  }

  conflict(link: RunLink, field: string, winner: unknown, loser: unknown): void {
    this.conflicts.push({ connectionId: link.connectionId, link, field, winner, loser });
  }

  changes(): RunChanges {
    return {
      sfdcIdsFound: [...this.sfdcIdsFound.values()],
      changed: [...this.changed.values()],
      created: [...this.created.values()],
      conflicts: [...this.conflicts],
      writes: [...this.writes],
    };
  }

  private register(link: RunLink): void {
    for (const side of SIDES) {
      const taskId = idOn(link, side);
      if (taskId) this.live[side].set(keyOf(link.connectionId, taskId), link);
    }
  }

  private touch(link: RunLink): void {
    if (!this.created.has(link.id)) this.changed.set(link.id, link);
  }
}
