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

/** A connection with queued writes, as one round sees it. */
export interface QueuedConnection {
  connectionId: string;
  /** A Sales Connect write whose time has come. */
  salesConnectDue: boolean;
  /** Its due Salesforce writes, for the gather decision (decideSfdcFlush); `queued` counted up to `countUpTo`. */
  sfdc: { queued: number; oldestWaitedMs: number; newestWaitedMs: number };
}

/**
 * The connections with a queued write, in id order, with what the gather decision needs of their
 * due Salesforce writes. A skip scan over the index task_write_due: one probe to find each queued
 * connection, one to see whether it has a Sales Connect write due, and the oldest `countUpTo` of its
 * Salesforce writes on task_write_side_queue, however many writes are queued (an import queues one a
 * task, 100,000 and more; a DISTINCT over them read every row each round).
 */
export async function queuedConnections(db: Pick<EntityManager, 'query'>, countUpTo: number): Promise<QueuedConnection[]> {
  const rows: { connection_id: string; salesconnect_due: boolean; sfdc_queued: number; oldest_ms: string | null; newest_ms: string | null }[] = await db.query(
    `WITH RECURSIVE queued(connection_id) AS (
       (SELECT connection_id FROM task_write ORDER BY connection_id LIMIT 1)
       UNION ALL
       SELECT (SELECT w.connection_id FROM task_write w WHERE w.connection_id > q.connection_id ORDER BY w.connection_id LIMIT 1)
         FROM queued q
        WHERE q.connection_id IS NOT NULL
     )
     SELECT q.connection_id,
            EXISTS (SELECT 1 FROM task_write w WHERE w.connection_id = q.connection_id AND w.side = 'salesconnect' AND w.next_attempt_at <= now()) AS salesconnect_due,
            s.sfdc_queued, s.oldest_ms, s.newest_ms
       FROM queued q
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS sfdc_queued,
                (extract(epoch FROM now() - min(d.created_at)) * 1000)::bigint AS oldest_ms,
                (extract(epoch FROM now() - max(d.created_at)) * 1000)::bigint AS newest_ms
           FROM (SELECT w.created_at FROM task_write w
                  WHERE w.connection_id = q.connection_id AND w.side = 'sfdc' AND w.next_attempt_at <= now()
                  ORDER BY w.id LIMIT $1) d
       ) s
      WHERE q.connection_id IS NOT NULL`,
    [countUpTo],
  );
  return rows
    .filter((r) => r.salesconnect_due || r.sfdc_queued > 0)
    .map((r) => ({
      connectionId: r.connection_id,
      salesConnectDue: r.salesconnect_due,
      sfdc: { queued: r.sfdc_queued, oldestWaitedMs: Number(r.oldest_ms ?? 0), newestWaitedMs: Number(r.newest_ms ?? 0) },
    }));
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
