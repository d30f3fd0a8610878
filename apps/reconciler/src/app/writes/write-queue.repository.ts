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
  /**
   * Its due Salesforce writes, for the gather decision (decideSfdcFlush); `queued` counted up to
   * `countUpTo`; `mix`: of those, the tasks to update and the creates and deletes, which fill a
   * Composite request differently (compositeSubrequestsFor).
   */
  sfdc: {
    queued: number;
    mix: { updates: number; upserts: number; deletes: number };
    oldestWaitedMs: number;
    newestWaitedMs: number;
  };
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
      sfdc_updates: number;
      sfdc_creates: number;
      sfdc_deletes: number;
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
              s.sfdc_queued, s.sfdc_updates, s.sfdc_creates, s.sfdc_deletes, s.oldest_ms, s.newest_ms
         FROM queued q
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS sfdc_queued,
                  count(DISTINCT d.link_id) FILTER (WHERE d.type NOT IN ('create', 'delete'))::int AS sfdc_updates,
                  count(*) FILTER (WHERE d.type = 'create')::int AS sfdc_creates,
                  count(*) FILTER (WHERE d.type = 'delete')::int AS sfdc_deletes,
                  (extract(epoch FROM now() - min(d.created_at)) * 1000)::bigint AS oldest_ms,
                  (extract(epoch FROM now() - max(d.created_at)) * 1000)::bigint AS newest_ms
             FROM (SELECT w.created_at, w.link_id, w.action->>'type' AS type FROM task_write w
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
          mix: { updates: r.sfdc_updates, upserts: r.sfdc_creates, deletes: r.sfdc_deletes },
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
    const changes = linkChangesOf(done);
    if (changes.length > 0) {
      // Locked in id order first, as the reconciler's runs lock them: neither waits for the other crosswise.
      await db.query(`SELECT 1 FROM task_link WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
        changes.map((c) => c.linkId),
      ]);
      // One statement for every link the round changed (an import creates hundreds a round). Every SET
      // reads the row as it was: a task's id is set only where none is stored (a replayed create
      // answers the same task), a create's version only with its id; versions and the Salesforce
      // stamp are never lowered (a change read meanwhile, or another flush, may know a newer one).
      await db.query(
        `UPDATE task_link l SET
           sfdc_task_id = coalesce(l.sfdc_task_id, v.sfdc_id),
           salesconnect_task_id = coalesce(l.salesconnect_task_id, v.salesconnect_id),
           link = ${seenFrom('l.link', withVersion('l.link', 'GREATEST(v.version, CASE WHEN l.salesconnect_task_id IS NULL THEN v.created_version END)'), 'CASE WHEN l.salesconnect_task_id IS NULL THEN v.created_at END')} || ${writtenAtOf('l.link', 'v.written_at')},
           updated_at = CASE WHEN (l.sfdc_task_id IS NULL AND v.sfdc_id IS NOT NULL)
                              OR (l.salesconnect_task_id IS NULL AND v.salesconnect_id IS NOT NULL) THEN now() ELSE l.updated_at END
          FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[])
               AS v(link_id, sfdc_id, salesconnect_id, created_version, version, written_at, created_at)
         WHERE l.id = v.link_id`,
        [
          changes.map((c) => c.linkId),
          changes.map((c) => c.sfdcId),
          changes.map((c) => c.salesConnectId),
          changes.map((c) => c.createdVersion),
          changes.map((c) => c.version),
          changes.map((c) => c.writtenAt),
          changes.map((c) => c.createdAt),
        ],
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

/** What a round's landed writes change in one link: a task's id on a side, Sales Connect's version, the Salesforce stamp. */
interface LinkChange {
  linkId: string;
  sfdcId: string | null;
  salesConnectId: string | null;
  /** A Sales Connect create's answer: stored only with its id. */
  createdVersion: number | null;
  /** A Sales Connect create's time: the link has seen that side from then (its echo is not published). */
  createdAt: string | null;
  /** A Sales Connect update's answer. */
  version: number | null;
  writtenAt: string | null;
}

/** Per link, at most one write a side lands a round (coalesceWrites folds a task's writes of a side). */
function linkChangesOf(done: readonly LandedWrite[]): LinkChange[] {
  const byLink = new Map<string, LinkChange>();
  for (const [w, o] of done) {
    if (!o.createdId && o.version === undefined && !o.sfdcWrittenAt) continue;
    const change = byLink.get(w.linkId) ?? {
      linkId: w.linkId,
      sfdcId: null,
      salesConnectId: null,
      createdVersion: null,
      createdAt: null,
      version: null,
      writtenAt: null,
    };
    if (w.side === 'sfdc') {
      change.sfdcId = o.createdId ?? change.sfdcId;
      change.writtenAt = o.sfdcWrittenAt ?? change.writtenAt;
    } else if (o.createdId) {
      change.salesConnectId = o.createdId;
      change.createdVersion = o.version ?? null;
      change.createdAt = o.createdAt ?? null;
    } else change.version = o.version ?? change.version;
    byLink.set(w.linkId, change);
  }
  return [...byLink.values()];
}

const withVersion = (link: string, version: string) =>
  `CASE WHEN ${version} IS NULL THEN ${link} ELSE jsonb_set(${link}, '{salesConnectVersion}', to_jsonb(GREATEST(coalesce((${link}->>'salesConnectVersion')::int, 0), ${version}))) END`;

/**
 * A Sales Connect create's time as the link's last-seen time of that side, when it is later: what the
 * create's echo set when it was published. Without it a person's first edit there looked concurrent
 * with the Salesforce change the task was created from (a conflict recorded for nothing).
 */
const seenFrom = (stored: string, link: string, at: string) =>
  `CASE WHEN ${at} IS NULL OR (${stored}->'lastSeen'->>'salesconnect')::timestamptz >= (${at})::timestamptz THEN ${link} ELSE jsonb_set(${link}, '{lastSeen,salesconnect}', to_jsonb(${at})) END`;

/** The stamp as a key to merge in (`||`), when it is newer than the link's; else nothing. */
const writtenAtOf = (link: string, at: string) =>
  `CASE WHEN ${at} IS NOT NULL AND (${link}->>'sfdcWrittenAt' IS NULL OR (${link}->>'sfdcWrittenAt')::timestamptz < ${at}::timestamptz) THEN jsonb_build_object('sfdcWrittenAt', ${at}) ELSE '{}'::jsonb END`;
