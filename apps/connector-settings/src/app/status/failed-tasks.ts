import type { EntityManager } from 'typeorm';
import type { FailedWriteChanged } from '@task-sync/contracts';
import type { FailedTaskView } from '@task-sync/contracts/http';

type Db = Pick<EntityManager, 'query'>;
export type Side = 'sfdc' | 'salesconnect';

/** Which open failed tasks a list names: all, or one side and/or code. */
export interface FailedTaskFilter {
  side?: Side;
  code?: string;
}

/** One (side, code) group of open failed tasks, with the latest one's message. */
export interface FailedTaskGroup {
  side: Side;
  code: string;
  count: number;
  message: string;
}

interface FailedTaskRow {
  link_id: string;
  side: Side;
  subject: string | null;
  salesconnect_task_id: string | null;
  sfdc_task_id: string | null;
  kind: string;
  code: string;
  reason: string;
  attempts: number;
  first_failed_at: Date;
  next_retry_at: Date | null;
}

/**
 * A report older than the row's last one changes nothing: a connection's reports are in order on
 * their partition, but a replayed one may be old.
 */
export async function applyFailedWriteReport(manager: Db, report: FailedWriteChanged): Promise<void> {
  if (report.state === 'cleared') {
    await manager.query(
      `DELETE FROM failed_task WHERE connection_id = $1 AND link_id = $2 AND side = $3 AND reported_at <= $4`,
      [report.connectionId, report.linkId, report.side, report.occurredAt],
    );
    return;
  }
  if (report.state === 'ignored') {
    await manager.query(
      `UPDATE failed_task SET ignored_at = $4, next_retry_at = NULL, reported_at = $4 WHERE connection_id = $1 AND link_id = $2 AND side = $3 AND reported_at <= $4`,
      [report.connectionId, report.linkId, report.side, report.occurredAt],
    );
    return;
  }
  await manager.query(
    `INSERT INTO failed_task AS t (connection_id, link_id, side, salesconnect_task_id, sfdc_task_id, kind, code, reason, attempts, first_failed_at, next_retry_at, reported_at, subject)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (connection_id, link_id, side) DO UPDATE SET
       salesconnect_task_id = EXCLUDED.salesconnect_task_id, sfdc_task_id = EXCLUDED.sfdc_task_id, kind = EXCLUDED.kind, code = EXCLUDED.code,
       reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, first_failed_at = EXCLUDED.first_failed_at, next_retry_at = EXCLUDED.next_retry_at,
       reported_at = EXCLUDED.reported_at, subject = coalesce(EXCLUDED.subject, t.subject), ignored_at = NULL
     WHERE EXCLUDED.reported_at >= t.reported_at`,
    [
      report.connectionId,
      report.linkId,
      report.side,
      report.salesConnectTaskId,
      report.sfdcTaskId,
      report.kind ?? 'update',
      report.code ?? 'UNKNOWN',
      report.reason ?? '',
      report.attempts ?? 1,
      report.firstFailedAt ?? report.occurredAt,
      report.nextRetryAt ?? null,
      report.occurredAt,
      report.subject ?? null,
    ],
  );
}

const FILTER = `connection_id = $1 AND ignored_at IS NULL AND ($2::text IS NULL OR side = $2) AND ($3::text IS NULL OR code = $3)`;

/** A connection's open (not ignored) failed tasks, the oldest failure first; all of them without `page`. */
export async function listFailedTasks(
  db: Db,
  connectionId: string,
  filter: FailedTaskFilter = {},
  page?: { offset: number; limit: number },
): Promise<{ items: FailedTaskView[]; total: number }> {
  const rows: (FailedTaskRow & { total: string })[] = await db.query(
    `SELECT link_id, side, subject, salesconnect_task_id, sfdc_task_id, kind, code, reason, attempts, first_failed_at, next_retry_at, count(*) OVER () AS total
       FROM failed_task WHERE ${FILTER} ORDER BY first_failed_at, link_id, side
      ${page ? 'LIMIT $4 OFFSET $5' : ''}`,
    [connectionId, filter.side ?? null, filter.code ?? null, ...(page ? [page.limit, page.offset] : [])],
  );
  let total = rows.length > 0 ? Number(rows[0].total) : 0;
  if (rows.length === 0 && page && page.offset > 0) {
    const [row]: { n: string }[] = await db.query(`SELECT count(*) AS n FROM failed_task WHERE ${FILTER}`, [
      connectionId,
      filter.side ?? null,
      filter.code ?? null,
    ]);
    total = Number(row.n);
  }
  return {
    total,
    items: rows.map((r) => ({
      linkId: r.link_id,
      side: r.side,
      subject: r.subject,
      salesConnectTaskId: r.salesconnect_task_id,
      sfdcTaskId: r.sfdc_task_id,
      kind: r.kind,
      code: r.code,
      reason: r.reason,
      attempts: r.attempts,
      firstFailedAt: new Date(r.first_failed_at).toISOString(),
      nextRetryAt: r.next_retry_at ? new Date(r.next_retry_at).toISOString() : null,
    })),
  };
}

export async function groupFailedTasks(db: Db, connectionId: string): Promise<FailedTaskGroup[]> {
  const rows: { side: Side; code: string; count: string; message: string }[] = await db.query(
    `SELECT side, code, count(*) AS count, (array_agg(reason ORDER BY reported_at DESC))[1] AS message
       FROM failed_task WHERE connection_id = $1 AND ignored_at IS NULL
      GROUP BY side, code ORDER BY count(*) DESC, side, code`,
    [connectionId],
  );
  return rows.map((r) => ({ side: r.side, code: r.code, count: Number(r.count), message: r.message }));
}
