import { Injectable } from '@nestjs/common';
import type { Db } from '../transactions';
import type { Side } from '@task-sync/task-domain';
import type { CoalescedWrite, QueuedRow, QueuedWrite } from '@task-sync/sync-rules';
import type { RunWrite } from '../links/run-links';
import type { WriteOutcome } from './write-outcome';

/** A folded write that landed, with what its side answered. */
export type LandedWrite = [CoalescedWrite, Extract<WriteOutcome, { kind: 'done' }>];

export interface QueuedWriteRow extends QueuedRow {
  attempts: number;
  /** Since it was queued. */
  waitedMs: number;
}

export interface QueuedConnection {
  connectionId: string;
  /** A Sales Connect write whose time has come. */
  salesConnectDue: boolean;
  /** Its due Salesforce writes, for the gather decision (decideSfdcFlush); `queued` counted up to `countUpTo`. */
  sfdc: { queued: number; oldestWaitedMs: number; newestWaitedMs: number };
}

/**
 * task_write (CreateTaskLinks1764000000400, IndexTaskWriteQueue1764000000402). Every method runs in
 * the caller's transaction (`db`).
 */
@Injectable()
export class WriteQueueRepository {
  /** The run's writes, in the order decided: the flusher folds a task's writes by their ids. */
  async queue(db: Db, writes: readonly RunWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await db.query(
      `INSERT INTO task_write (connection_id, link_id, side, action)
       SELECT w.connection_id, w.link_id, w.side, w.action::jsonb
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS w(connection_id, link_id, side, action, n) ORDER BY w.n`,
      [
        writes.map((w) => w.connectionId),
        writes.map((w) => w.linkId),
        writes.map((w) => w.side),
        writes.map((w) => JSON.stringify(w.write)),
      ],
    );
  }

  /**
   * A skip scan over task_write_due, a few probes a connection however many writes are queued: an
   * import queues one a task, 100,000 and more, and a DISTINCT over them read every row each round.
   */
  async dueConnections(db: Db, countUpTo: number): Promise<QueuedConnection[]> {
    const rows: {
      connection_id: string;
      salesconnect_due: boolean;
      sfdc_queued: number;
      oldest_ms: string | null;
      newest_ms: string | null;
    }[] = await db.query(
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
        sfdc: {
          queued: r.sfdc_queued,
          oldestWaitedMs: Number(r.oldest_ms ?? 0),
          newestWaitedMs: Number(r.newest_ms ?? 0),
        },
      }));
  }

  /**
   * Each side in queue order, the order a task's writes fold in. The id is ordered as a number: by
   * its text, id 10 would come before id 9, and a task's delete before its create.
   */
  async readDue(db: Db, connectionId: string, limits: Record<Side, number>): Promise<QueuedWriteRow[]> {
    // A branch a side, each with its side as a literal, so each is planned on task_write_side_queue
    // for that side: with the side as a parameter (a LATERAL over both), PostgreSQL walked the primary
    // key and filtered, which reads the whole Sales Connect backlog to find no Salesforce write.
    const side = (name: Side, limit: string) =>
      `(SELECT w.id::text AS id, w.link_id, w.side, w.action, w.attempts, w.next_attempt_at <= now() AS due,
               (extract(epoch FROM now() - w.created_at) * 1000)::bigint AS waited_ms
          FROM task_write w WHERE w.connection_id = $1 AND w.side = '${name}' ORDER BY w.id LIMIT ${limit})`;
    const rows: {
      id: string;
      link_id: string;
      side: Side;
      action: QueuedWrite;
      attempts: number;
      due: boolean;
      waited_ms: string;
    }[] = await db.query(`${side('sfdc', '$2')} UNION ALL ${side('salesconnect', '$3')}`, [
      connectionId,
      limits.sfdc,
      limits.salesconnect,
    ]);
    return rows.map((r) => ({
      id: r.id,
      linkId: r.link_id,
      side: r.side,
      action: r.action,
      due: r.due,
      attempts: r.attempts,
      waitedMs: Number(r.waited_ms),
    }));
  }

  /** One replica at a time flushes a connection: false when another holds it (the lock ends with the transaction). */
  async lockConnection(db: Db, connectionId: string): Promise<boolean> {
    const [{ locked }]: { locked: boolean }[] = await db.query(
      `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
      [connectionId],
    );
    return locked;
  }

  async markLanded(db: Db, done: readonly LandedWrite[]): Promise<void> {
    if (done.length === 0) return;
    const changedLinks = [
      ...new Set(
        done.filter(([, o]) => o.createdId || o.version !== undefined || o.sfdcWrittenAt).map(([w]) => w.linkId),
      ),
    ];
    // Locked in id order first, as the reconciler's runs lock them: neither waits for the other crosswise.
    if (changedLinks.length > 0)
      await db.query(`SELECT 1 FROM task_link WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [changedLinks]);
    // Never lowered: a change read meanwhile may know a newer version than this answer.
    const withVersion = (version: string) =>
      `CASE WHEN ${version} IS NULL THEN l.link ELSE jsonb_set(l.link, '{salesConnectVersion}', to_jsonb(GREATEST(coalesce((l.link->>'salesConnectVersion')::int, 0), ${version}))) END`;
    for (const side of ['sfdc', 'salesconnect'] as const) {
      const created = done.filter(([w, o]) => w.side === side && o.createdId);
      if (created.length === 0) continue;
      const column = side === 'sfdc' ? 'sfdc_task_id' : 'salesconnect_task_id';
      // One statement a side: an import creates hundreds a round.
      await db.query(
        `UPDATE task_link l SET ${column} = c.task_id, link = ${withVersion('c.version')}, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::int[]) AS c(link_id, task_id, version)
          WHERE l.id = c.link_id AND l.${column} IS NULL`,
        [
          created.map(([w]) => w.linkId),
          created.map(([, o]) => o.createdId),
          created.map(([, o]) => (side === 'salesconnect' ? (o.version ?? null) : null)),
        ],
      );
    }
    const updated = done.filter(([w, o]) => w.side === 'salesconnect' && !o.createdId && o.version !== undefined);
    if (updated.length > 0) {
      await db.query(
        `UPDATE task_link l SET link = ${withVersion('v.version')} FROM unnest($1::uuid[], $2::int[]) AS v(link_id, version) WHERE l.id = v.link_id`,
        [updated.map(([w]) => w.linkId), updated.map(([, o]) => o.version)],
      );
    }
    // Never lowered either: a later write's stamp may have been stored first by another flush.
    const stamped = done.filter(([w, o]) => w.side === 'sfdc' && o.sfdcWrittenAt);
    if (stamped.length > 0) {
      await db.query(
        `UPDATE task_link l SET link = jsonb_set(l.link, '{sfdcWrittenAt}', to_jsonb(v.at)) FROM unnest($1::uuid[], $2::text[]) AS v(link_id, at)
          WHERE l.id = v.link_id AND (l.link->>'sfdcWrittenAt' IS NULL OR (l.link->>'sfdcWrittenAt')::timestamptz < v.at::timestamptz)`,
        [stamped.map(([w]) => w.linkId), stamped.map(([, o]) => o.sfdcWrittenAt)],
      );
    }
    await this.remove(
      db,
      done.flatMap(([w]) => w.rowIds),
    );
  }

  /** The rows wait `delayMs` (held over an unread change, or the connection paused), their attempts unchanged. */
  async postpone(db: Db, rowIds: readonly string[], delayMs: number, reason: string): Promise<void> {
    await db.query(
      `UPDATE task_write SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = ANY($1::bigint[])`,
      [rowIds, delayMs / 1000, reason],
    );
  }

  async markRetrying(
    db: Db,
    rowIds: readonly string[],
    attempts: number,
    delayMs: number,
    reason: string,
  ): Promise<void> {
    await db.query(
      `UPDATE task_write SET attempts = $2, next_attempt_at = now() + make_interval(secs => $3), last_error = $4 WHERE id = ANY($1::bigint[])`,
      [rowIds, attempts, delayMs / 1000, reason],
    );
  }

  async remove(db: Db, rowIds: readonly string[]): Promise<void> {
    await db.query(`DELETE FROM task_write WHERE id = ANY($1::bigint[])`, [rowIds]);
  }
}
