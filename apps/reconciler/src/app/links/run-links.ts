import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { TaskLink } from '@task-sync/task-domain';
import type { PendingLink, SyncChange } from '@task-sync/sync-rules';
import type { QueuedWrite } from './task-link.entity';

type Side = 'salesconnect' | 'sfdc';
const SIDES: readonly Side[] = ['sfdc', 'salesconnect'];
const COLUMN: Record<Side, string> = { sfdc: 'sfdc_task_id', salesconnect: 'salesconnect_task_id' };

/** A link as one transaction sees it: its ids (null until the create on that side landed) and its state. */
export interface RunLink {
  id: string;
  connectionId: string;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  state: Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>;
  unlinked: boolean;
}

interface ConflictRow {
  connectionId: string;
  link: RunLink;
  field: string;
  winner: unknown;
  loser: unknown;
}

/** Thrown when another transaction linked a task this run was about to link: the run is decided again. */
export class LinkRaceError extends Error {}

/** A link's state: all but its ids, which the run keeps (and the table stores) apart. */
function stateOf(link: TaskLink | PendingLink): RunLink['state'] {
  const state: Partial<TaskLink | PendingLink> = { ...link };
  delete state.salesConnectTaskId;
  delete state.sfdcTaskId;
  return state as RunLink['state'];
}

const keyOf = (connectionId: string, taskId: string) => `${connectionId}\n${taskId}`;
const idOn = (link: { salesConnectTaskId: string | null; sfdcTaskId: string | null }, side: Side) => (side === 'sfdc' ? link.sfdcTaskId : link.salesConnectTaskId);

/**
 * The links of one run of changes, in one transaction: read (and locked) in one statement a side
 * before the first decision, changed in memory as each change is decided in order, and written back
 * in one statement a kind at the end. An import decides a hundred or more changes a run; a few
 * statements for all of them instead of four or five each is what lets the reconciler keep up.
 */
export class RunLinks {
  private readonly live: Record<Side, Map<string, RunLink>> = { sfdc: new Map(), salesconnect: new Map() };
  private readonly created = new Map<string, RunLink>();
  private readonly changed = new Map<string, RunLink>();
  private readonly sfdcIdsFound = new Map<string, RunLink>();
  private readonly writes: { connectionId: string; linkId: string; side: Side; write: QueuedWrite }[] = [];
  private readonly conflicts: ConflictRow[] = [];

  /** Locks and reads the live links the changes may name: by the changed task's id, and a Salesforce change's external id. */
  static async load(manager: EntityManager, changes: { connectionId: string; change: SyncChange }[]): Promise<RunLinks> {
    const links = new RunLinks();
    const seen = new Set<string>();
    const wanted: Record<Side, Map<string, [string, string]>> = { sfdc: new Map(), salesconnect: new Map() };
    for (const { connectionId, change } of changes) {
      wanted[change.side].set(keyOf(connectionId, change.taskId), [connectionId, change.taskId]);
      if (change.side === 'sfdc' && change.externalId) wanted.salesconnect.set(keyOf(connectionId, change.externalId), [connectionId, change.externalId]);
    }
    for (const side of SIDES) {
      const keys = [...wanted[side].values()];
      if (keys.length === 0) continue;
      // In id order, as the flusher locks them: two transactions never wait for each other crosswise.
      const rows: { id: string; connection_id: string; salesconnect_task_id: string | null; sfdc_task_id: string | null; link: RunLink['state'] }[] = await manager.query(
        `SELECT l.id, l.connection_id, l.salesconnect_task_id, l.sfdc_task_id, l.link
           FROM task_link l JOIN unnest($1::text[], $2::text[]) AS k(connection_id, task_id)
             ON l.connection_id = k.connection_id AND l.${COLUMN[side]} = k.task_id
          WHERE l.unlinked_at IS NULL ORDER BY l.id FOR UPDATE OF l`,
        [keys.map((k) => k[0]), keys.map((k) => k[1])],
      );
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        links.register({ id: r.id, connectionId: r.connection_id, salesConnectTaskId: r.salesconnect_task_id, sfdcTaskId: r.sfdc_task_id, state: r.link, unlinked: false });
      }
    }
    return links;
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
    const link: RunLink = { id: randomUUID(), connectionId, salesConnectTaskId: pending.salesConnectTaskId, sfdcTaskId: pending.sfdcTaskId, state: stateOf(pending), unlinked: false };
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

  /** Everything the run decided, a statement a kind, in an order the unique indexes accept (unlinks before new links). */
  async save(manager: EntityManager): Promise<void> {
    if (this.sfdcIdsFound.size > 0) {
      const found = [...this.sfdcIdsFound.values()];
      await manager.query(
        `UPDATE task_link l SET sfdc_task_id = v.sfdc_task_id FROM unnest($1::uuid[], $2::text[]) AS v(id, sfdc_task_id) WHERE l.id = v.id AND l.sfdc_task_id IS NULL`,
        [found.map((l) => l.id), found.map((l) => l.sfdcTaskId)],
      );
    }
    if (this.changed.size > 0) {
      const changed = [...this.changed.values()];
      await manager.query(
        `UPDATE task_link l SET link = v.link::jsonb, unlinked_at = CASE WHEN v.unlinked THEN coalesce(l.unlinked_at, now()) ELSE l.unlinked_at END, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::bool[]) AS v(id, link, unlinked) WHERE l.id = v.id`,
        [changed.map((l) => l.id), changed.map((l) => JSON.stringify(l.state)), changed.map((l) => l.unlinked)],
      );
    }
    if (this.created.size > 0) {
      const created = [...this.created.values()];
      const inserted: { id: string }[] = await manager.query(
        `INSERT INTO task_link (id, connection_id, salesconnect_task_id, sfdc_task_id, link, unlinked_at)
         SELECT v.id, v.connection_id, v.salesconnect_task_id, v.sfdc_task_id, v.link::jsonb, CASE WHEN v.unlinked THEN now() END
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[]) AS v(id, connection_id, salesconnect_task_id, sfdc_task_id, link, unlinked)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          created.map((l) => l.id),
          created.map((l) => l.connectionId),
          created.map((l) => l.salesConnectTaskId),
          created.map((l) => l.sfdcTaskId),
          created.map((l) => JSON.stringify(l.state)),
          created.map((l) => l.unlinked),
        ],
      );
      // Another transaction linked one of these tasks after this run read its links: decided again, the run finds that link.
      if (inserted.length < created.length) throw new LinkRaceError(`${created.length - inserted.length} of ${created.length} tasks were linked meanwhile by another transaction`);
    }
    if (this.writes.length > 0) {
      // In the order decided: the flusher folds a task's writes by their ids.
      await manager.query(
        `INSERT INTO task_write (connection_id, link_id, side, action)
         SELECT w.connection_id, w.link_id, w.side, w.action::jsonb
           FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS w(connection_id, link_id, side, action, n) ORDER BY w.n`,
        [this.writes.map((w) => w.connectionId), this.writes.map((w) => w.linkId), this.writes.map((w) => w.side), this.writes.map((w) => JSON.stringify(w.write))],
      );
    }
    if (this.conflicts.length > 0) {
      const c = this.conflicts;
      await manager.query(
        `INSERT INTO sync_conflict (connection_id, salesconnect_task_id, sfdc_task_id, field, winner, loser, link_id)
         SELECT v.connection_id, v.salesconnect_task_id, v.sfdc_task_id, v.field, v.winner::jsonb, v.loser::jsonb, v.link_id
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[]) WITH ORDINALITY AS v(connection_id, salesconnect_task_id, sfdc_task_id, field, winner, loser, link_id, n) ORDER BY v.n`,
        [
          c.map((x) => x.connectionId),
          c.map((x) => x.link.salesConnectTaskId),
          c.map((x) => x.link.sfdcTaskId),
          c.map((x) => x.field),
          c.map((x) => JSON.stringify(x.winner)),
          c.map((x) => JSON.stringify(x.loser)),
          c.map((x) => x.link.id),
        ],
      );
    }
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
