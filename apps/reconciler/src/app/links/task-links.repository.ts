import { Injectable } from '@nestjs/common';
import type { Db } from '../transactions';
import type { Side, TaskLink } from '@task-sync/task-domain';
import { viewOfLink, type SyncChange } from '@task-sync/sync-rules';
import type { LinkIds } from '../writes/link-ids';
import { linkKeysOf, RunLinks, SIDES, type RunChanges, type RunLink } from './run-links';

/** A row of task_link (CreateTaskLinks1764000000400) as read: the pair's ids (null until the create there landed) and the rest of its TaskLink. */
interface TaskLinkRow {
  id: string;
  connection_id: string;
  salesconnect_task_id: string | null;
  sfdc_task_id: string | null;
  link: Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>;
}

const COLUMN: Record<Side, string> = { sfdc: 'sfdc_task_id', salesconnect: 'salesconnect_task_id' };

/** Thrown when another transaction linked a task this run was about to link: the run is decided again. */
export class LinkRaceError extends Error {}

/**
 * Every method runs in the caller's transaction (`db`); a run locks its links in id order, as the
 * flusher does, so two transactions never wait for each other crosswise.
 */
@Injectable()
export class TaskLinksRepository {
  async lockForRun(db: Db, changes: readonly { connectionId: string; change: SyncChange }[]): Promise<RunLinks> {
    const wanted = linkKeysOf(changes);
    const read: RunLink[] = [];
    for (const side of SIDES) {
      const keys = wanted[side];
      if (keys.length === 0) continue;
      const rows: TaskLinkRow[] = await db.query(
        `SELECT l.id, l.connection_id, l.salesconnect_task_id, l.sfdc_task_id, l.link
           FROM task_link l JOIN unnest($1::text[], $2::text[]) AS k(connection_id, task_id)
             ON l.connection_id = k.connection_id AND l.${COLUMN[side]} = k.task_id
          WHERE l.unlinked_at IS NULL ORDER BY l.id FOR UPDATE OF l`,
        [keys.map((k) => k[0]), keys.map((k) => k[1])],
      );
      read.push(
        ...rows.map((r) => ({
          id: r.id,
          connectionId: r.connection_id,
          salesConnectTaskId: r.salesconnect_task_id,
          sfdcTaskId: r.sfdc_task_id,
          state: r.link,
          unlinked: false,
        })),
      );
    }
    return new RunLinks(read);
  }

  /** Unlinks before new links: the order the unique indexes accept. */
  async saveRun(db: Db, run: RunLinks): Promise<void> {
    const { sfdcIdsFound, changed, created, conflicts } = run.changes();
    if (sfdcIdsFound.length > 0) {
      await db.query(
        `UPDATE task_link l SET sfdc_task_id = v.sfdc_task_id FROM unnest($1::uuid[], $2::text[]) AS v(id, sfdc_task_id) WHERE l.id = v.id AND l.sfdc_task_id IS NULL`,
        [sfdcIdsFound.map((l) => l.id), sfdcIdsFound.map((l) => l.sfdcTaskId)],
      );
    }
    if (changed.length > 0) {
      await db.query(
        `UPDATE task_link l SET link = v.link::jsonb, unlinked_at = CASE WHEN v.unlinked THEN coalesce(l.unlinked_at, now()) ELSE l.unlinked_at END, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::bool[]) AS v(id, link, unlinked) WHERE l.id = v.id`,
        [changed.map((l) => l.id), changed.map((l) => JSON.stringify(l.state)), changed.map((l) => l.unlinked)],
      );
    }
    if (created.length > 0) {
      const inserted: { id: string }[] = await db.query(
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
      if (inserted.length < created.length)
        throw new LinkRaceError(
          `${created.length - inserted.length} of ${created.length} tasks were linked meanwhile by another transaction`,
        );
    }
    await recordConflicts(db, conflicts);
  }

  async idsOf(db: Db, linkIds: readonly string[]): Promise<Map<string, LinkIds>> {
    const rows: (Omit<TaskLinkRow, 'connection_id'> & { unlinked: boolean })[] = await db.query(
      `SELECT id, salesconnect_task_id, sfdc_task_id, link, unlinked_at IS NOT NULL AS unlinked FROM task_link WHERE id = ANY($1::uuid[])`,
      [[...new Set(linkIds)]],
    );
    return new Map(
      rows.map((r) => {
        const agreedAs = (side: Side) =>
          r.link.fields ? viewOfLink({ ...r.link, salesConnectTaskId: '', sfdcTaskId: '' }, side) : null;
        const ids: LinkIds = {
          salesConnectTaskId: r.salesconnect_task_id,
          sfdcTaskId: r.sfdc_task_id,
          lastSeenSfdc: r.link.lastSeen?.sfdc ?? null,
          sfdcWrittenAt: r.link.sfdcWrittenAt ?? null,
          unlinked: r.unlinked,
          agreedForSfdc: agreedAs('sfdc'),
          agreedForSalesConnect: agreedAs('salesconnect'),
          salesConnectVersion: r.link.salesConnectVersion ?? null,
          subject: r.link.fields?.title?.value ?? null,
        };
        return [r.id, ids];
      }),
    );
  }

  async learnSfdcTaskId(db: Db, linkId: string, sfdcTaskId: string): Promise<void> {
    await db.query(
      `UPDATE task_link SET sfdc_task_id = $2, updated_at = now() WHERE id = $1 AND sfdc_task_id IS NULL`,
      [linkId, sfdcTaskId],
    );
  }
}

/** sync_conflict (CreateTaskLinks1764000000400, link_id from CreateTaskActivity1764000000430): field, winner and loser, for an operator. */
async function recordConflicts(db: Db, conflicts: RunChanges['conflicts']): Promise<void> {
  if (conflicts.length === 0) return;
  await db.query(
    `INSERT INTO sync_conflict (connection_id, salesconnect_task_id, sfdc_task_id, field, winner, loser, link_id)
     SELECT v.connection_id, v.salesconnect_task_id, v.sfdc_task_id, v.field, v.winner::jsonb, v.loser::jsonb, v.link_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[]) WITH ORDINALITY AS v(connection_id, salesconnect_task_id, sfdc_task_id, field, winner, loser, link_id, n) ORDER BY v.n`,
    [
      conflicts.map((x) => x.connectionId),
      conflicts.map((x) => x.link.salesConnectTaskId),
      conflicts.map((x) => x.link.sfdcTaskId),
      conflicts.map((x) => x.field),
      conflicts.map((x) => JSON.stringify(x.winner)),
      conflicts.map((x) => JSON.stringify(x.loser)),
      conflicts.map((x) => x.link.id),
    ],
  );
}
