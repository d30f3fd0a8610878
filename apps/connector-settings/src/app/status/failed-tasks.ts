import type { EntityManager } from 'typeorm';
import type { FailedWriteChanged } from '@task-sync/contracts';

/** One task the sync could not write to one side, as the settings API shows it. */
export interface FailedTaskView {
  /** The side the write goes to. */
  side: 'sfdc' | 'salesconnect';
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  kind: string;
  code: string;
  reason: string;
  attempts: number;
  firstFailedAt: string;
  /** null: its retries ran out; it goes again when the task changes. */
  nextRetryAt: string | null;
}

interface FailedTaskRow {
  side: 'sfdc' | 'salesconnect';
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
 * Folds one failed-write report into the connection's failed tasks: `failed` sets the task's row,
 * `cleared` removes it; a report older than the row's last one changes nothing (status reports of a
 * connection are in order on their partition, but a replayed one may be old).
 */
export async function applyFailedWriteReport(manager: EntityManager, report: FailedWriteChanged): Promise<void> {
  if (report.state === 'cleared') {
    await manager.query(`DELETE FROM failed_task WHERE connection_id = $1 AND link_id = $2 AND side = $3 AND reported_at <= $4`, [
      report.connectionId,
      report.linkId,
      report.side,
      report.occurredAt,
    ]);
    return;
  }
  await manager.query(
    `INSERT INTO failed_task AS t (connection_id, link_id, side, salesconnect_task_id, sfdc_task_id, kind, code, reason, attempts, first_failed_at, next_retry_at, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (connection_id, link_id, side) DO UPDATE SET
       salesconnect_task_id = EXCLUDED.salesconnect_task_id, sfdc_task_id = EXCLUDED.sfdc_task_id, kind = EXCLUDED.kind, code = EXCLUDED.code,
       reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, first_failed_at = EXCLUDED.first_failed_at, next_retry_at = EXCLUDED.next_retry_at,
       reported_at = EXCLUDED.reported_at
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
    ],
  );
}

/** A connection's failed tasks, the oldest failure first. */
export async function listFailedTasks(manager: Pick<EntityManager, 'query'>, connectionId: string): Promise<FailedTaskView[]> {
  const rows: FailedTaskRow[] = await manager.query(
    `SELECT side, salesconnect_task_id, sfdc_task_id, kind, code, reason, attempts, first_failed_at, next_retry_at
       FROM failed_task WHERE connection_id = $1 ORDER BY first_failed_at, link_id, side`,
    [connectionId],
  );
  return rows.map((r) => ({
    side: r.side,
    salesConnectTaskId: r.salesconnect_task_id,
    sfdcTaskId: r.sfdc_task_id,
    kind: r.kind,
    code: r.code,
    reason: r.reason,
    attempts: r.attempts,
    firstFailedAt: new Date(r.first_failed_at).toISOString(),
    nextRetryAt: r.next_retry_at ? new Date(r.next_retry_at).toISOString() : null,
  }));
}
