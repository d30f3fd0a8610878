import type { EntityManager } from 'typeorm';
import type { Side } from '@task-sync/task-domain';
import type { QueuedWrite } from '../links/task-link.entity';
import type { QueuedRow } from './coalesce-writes';

/** A queued write as the flusher reads it. */
export interface QueuedWriteRow extends QueuedRow {
  attempts: number;
  /** Since it was queued. */
  waitedMs: number;
}

/**
 * The connections with a queued write that may go now, in id order: a Sales Connect write whose time
 * has come, or a Salesforce one that has also waited `sfdcGatherMs` since it was queued (so that a
 * connection's Salesforce writes go together). A skip scan over the index task_write_due: one probe
 * to find each queued connection and one to see whether it has a write ready, however many writes
 * are queued (an import queues one a task, 100,000 and more; a DISTINCT over them read every row
 * each round).
 */
export async function dueConnections(db: Pick<EntityManager, 'query'>, sfdcGatherMs: number): Promise<string[]> {
  const rows: { connection_id: string }[] = await db.query(
    `WITH RECURSIVE queued(connection_id) AS (
       (SELECT connection_id FROM task_write ORDER BY connection_id LIMIT 1)
       UNION ALL
       SELECT (SELECT w.connection_id FROM task_write w WHERE w.connection_id > q.connection_id ORDER BY w.connection_id LIMIT 1)
         FROM queued q
        WHERE q.connection_id IS NOT NULL
     )
     SELECT q.connection_id FROM queued q
      WHERE q.connection_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM task_write w
                     WHERE w.connection_id = q.connection_id AND w.next_attempt_at <= now()
                       AND (w.side = 'salesconnect' OR w.created_at <= now() - make_interval(secs => $1)))`,
    [sfdcGatherMs / 1000],
  );
  return rows.map((r) => r.connection_id);
}

/**
 * A connection's oldest queued writes, up to `limits` on each side, each side in the order its
 * writes were queued (the order a task's writes fold in; the sides fold apart). The id is ordered
 * as a number: ordered by its text, id 10 would come before id 9, and a task's delete before its
 * create.
 */
export async function readQueuedWrites(db: Pick<EntityManager, 'query'>, connectionId: string, limits: Record<Side, number>): Promise<QueuedWriteRow[]> {
  // A branch a side, each with its side as a literal, so each is planned on task_write_side_queue
  // for that side: with the side as a parameter (a LATERAL over both), PostgreSQL walked the primary
  // key and filtered, which reads the whole Sales Connect backlog to find no Salesforce write.
  const side = (name: Side, limit: string) =>
    `(SELECT w.id::text AS id, w.link_id, w.side, w.action, w.attempts, w.next_attempt_at <= now() AS due,
             (extract(epoch FROM now() - w.created_at) * 1000)::bigint AS waited_ms
        FROM task_write w WHERE w.connection_id = $1 AND w.side = '${name}' ORDER BY w.id LIMIT ${limit})`;
  const rows: { id: string; link_id: string; side: Side; action: QueuedWrite; attempts: number; due: boolean; waited_ms: string }[] = await db.query(
    `${side('sfdc', '$2')} UNION ALL ${side('salesconnect', '$3')}`,
    [connectionId, limits.sfdc, limits.salesconnect],
  );
  return rows.map((r) => ({ id: r.id, linkId: r.link_id, side: r.side, action: r.action, due: r.due, attempts: r.attempts, waitedMs: Number(r.waited_ms) }));
}

/** Whether a round sends the connection's Salesforce writes: once the oldest due one has waited the gathering time. */
export function sfdcWritesReady(rows: readonly QueuedWriteRow[], sfdcGatherMs: number): boolean {
  return rows.some((r) => r.side === 'sfdc' && r.due && r.waitedMs >= sfdcGatherMs);
}
