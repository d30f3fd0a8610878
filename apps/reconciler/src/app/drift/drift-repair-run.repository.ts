import type { DataSource } from 'typeorm';
import type { TaskLink } from '@task-sync/task-domain';

export type DriftTrigger = 'schedule' | 're-enable' | 'on-demand';
export type DriftRunStatus = 'running' | 'done' | 'cut-short' | 'failed';

/** What a pass found and fixed: the row of drift_repair_run, and the on-demand endpoint's answer. */
export interface DriftRepairReport {
  runId: string;
  connectionId: string;
  trigger: DriftTrigger;
  status: DriftRunStatus;
  startedAt: string;
  finishedAt: string | null;
  pairsChecked: number;
  differences: number;
  repaired: number;
  unlinked: number;
  skipped: number;
  sfdcCalls: number;
  salesConnectCalls: number;
  /** A cut-short pass stopped after this link; the next pass starts after it. */
  resumeAfter: string | null;
  error: string | null;
}

export type DriftCounts = Pick<
  DriftRepairReport,
  'pairsChecked' | 'differences' | 'repaired' | 'unlinked' | 'skipped' | 'sfdcCalls' | 'salesConnectCalls'
>;

export const noDriftCounts = (): DriftCounts => ({
  pairsChecked: 0,
  differences: 0,
  repaired: 0,
  unlinked: 0,
  skipped: 0,
  sfdcCalls: 0,
  salesConnectCalls: 0,
});

/** A live link whose two tasks both exist (a create still in flight has one id only). */
export interface LinkedPair {
  id: string;
  salesConnectTaskId: string;
  sfdcTaskId: string;
  state: Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>;
  writesQueued: boolean;
}

type RunRow = {
  id: string;
  connection_id: string;
  trigger: DriftTrigger;
  status: DriftRunStatus;
  started_at: Date;
  finished_at: Date | null;
  pairs_checked: number;
  differences: number;
  repaired: number;
  unlinked: number;
  skipped: number;
  sfdc_calls: number;
  salesconnect_calls: number;
  resume_after: string | null;
  error: string | null;
};

const toReport = (r: RunRow): DriftRepairReport => ({
  runId: r.id,
  connectionId: r.connection_id,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
  pairsChecked: r.pairs_checked,
  differences: r.differences,
  repaired: r.repaired,
  unlinked: r.unlinked,
  skipped: r.skipped,
  sfdcCalls: r.sfdc_calls,
  salesConnectCalls: r.salesconnect_calls,
  resumeAfter: r.resume_after,
  error: r.error,
});

type LinkedPairRow = {
  id: string;
  salesconnect_task_id: string;
  sfdc_task_id: string;
  link: LinkedPair['state'];
  writes_queued: boolean;
};

/** The connection ($1)'s live links with both ids, as LinkedPairRow; a query adds its own conditions after it. */
const SELECT_LIVE_PAIRS = `SELECT l.id, l.salesconnect_task_id, l.sfdc_task_id, l.link, exists(SELECT 1 FROM task_write w WHERE w.link_id = l.id) AS writes_queued
   FROM task_link l
  WHERE l.connection_id = $1 AND l.unlinked_at IS NULL AND l.salesconnect_task_id IS NOT NULL AND l.sfdc_task_id IS NOT NULL`;

/** A page of the connection ($1)'s live pairs after link id $2 (null: from the start), $3 at most. */
export const LINKED_PAIRS_PAGE_SQL = `${SELECT_LIVE_PAIRS} AND ($2::uuid IS NULL OR l.id > $2::uuid) ORDER BY l.id LIMIT $3`;

const toLinkedPair = (r: LinkedPairRow): LinkedPair => ({
  id: r.id,
  salesConnectTaskId: r.salesconnect_task_id,
  sfdcTaskId: r.sfdc_task_id,
  state: r.link,
  writesQueued: r.writes_queued,
});

/** Reads links only: decisions lock and write them through the reconcile path. */
export class DriftRepairRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Where the connection's pass starts: after the link a cut-short pass stopped at, else at the beginning. */
  async startRun(connectionId: string, trigger: DriftTrigger): Promise<{ runId: string; resumeAfter: string | null }> {
    const [last]: { status: DriftRunStatus; resume_after: string | null }[] = await this.dataSource.query(
      `SELECT status, resume_after FROM drift_repair_run WHERE connection_id = $1 AND status <> 'running' ORDER BY started_at DESC, id DESC LIMIT 1`,
      [connectionId],
    );
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO drift_repair_run (connection_id, trigger, status) VALUES ($1, $2, 'running') RETURNING id::text AS id`,
      [connectionId, trigger],
    );
    return { runId: row.id, resumeAfter: last?.status === 'cut-short' ? last.resume_after : null };
  }

  async finishRun(
    runId: string,
    status: Exclude<DriftRunStatus, 'running'>,
    counts: DriftCounts & Pick<DriftRepairReport, 'resumeAfter' | 'error'>,
  ): Promise<DriftRepairReport> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [[row]]: [RunRow[], number] = await this.dataSource.query(
      `UPDATE drift_repair_run SET status = $2, finished_at = now(), pairs_checked = $3, differences = $4, repaired = $5, unlinked = $6, skipped = $7,
              sfdc_calls = $8, salesconnect_calls = $9, resume_after = $10, error = $11
        WHERE id = $1 RETURNING id::text AS id, connection_id, trigger, status, started_at, finished_at, pairs_checked, differences, repaired, unlinked, skipped, sfdc_calls, salesconnect_calls, resume_after, error`,
      [
        runId,
        status,
        counts.pairsChecked,
        counts.differences,
        counts.repaired,
        counts.unlinked,
        counts.skipped,
        counts.sfdcCalls,
        counts.salesConnectCalls,
        counts.resumeAfter,
        counts.error,
      ],
    );
    return toReport(row);
  }

  async listRuns(connectionId: string, limit = 20): Promise<DriftRepairReport[]> {
    const rows: RunRow[] = await this.dataSource.query(
      `SELECT id::text AS id, connection_id, trigger, status, started_at, finished_at, pairs_checked, differences, repaired, unlinked, skipped, sfdc_calls, salesconnect_calls, resume_after, error
         FROM drift_repair_run WHERE connection_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
      [connectionId, limit],
    );
    return rows.map(toReport);
  }

  async listLinkedPairs(connectionId: string, after: string | null, limit: number): Promise<LinkedPair[]> {
    const rows: LinkedPairRow[] = await this.dataSource.query(LINKED_PAIRS_PAGE_SQL, [connectionId, after, limit]);
    return rows.map(toLinkedPair);
  }

  /** One live pair of the connection by its link id, or null (unknown, unlinked, or a create still in flight). */
  async findLinkedPair(connectionId: string, linkId: string): Promise<LinkedPair | null> {
    const rows: LinkedPairRow[] = await this.dataSource.query(`${SELECT_LIVE_PAIRS} AND l.id = $2`, [
      connectionId,
      linkId,
    ]);
    return rows.map(toLinkedPair)[0] ?? null;
  }

  /**
   * Enabled connections whose pass is due: `intervalMs` after their last pass (a connection's first
   * comes at a point of the interval its id hashes to, so passes spread over connections), or
   * `settleMs` after a re-enable made since their last pass (R7: the pairs edited while off).
   */
  async listDueConnections(
    intervalMs: number,
    settleMs: number,
    limit: number,
  ): Promise<{ connectionId: string; trigger: DriftTrigger }[]> {
    const rows: { connection_id: string; reenabled: boolean }[] = await this.dataSource.query(
      `SELECT s.connection_id, (re.at IS NOT NULL AND re.at > coalesce(last.started_at, '-infinity'::timestamptz)) AS reenabled
         FROM connection_setting s
         LEFT JOIN LATERAL (SELECT r.started_at FROM drift_repair_run r WHERE r.connection_id = s.connection_id ORDER BY r.started_at DESC LIMIT 1) last ON true
         LEFT JOIN LATERAL (SELECT max(c.changed_at) AS at FROM connection_setting_change c WHERE c.connection_id = s.connection_id AND c.kind = 're-enable') re ON true
        WHERE s.enabled AND (
              (last.started_at IS NULL AND now() >= coalesce(s.first_enabled_at, s.changed_at) + make_interval(secs => ($1::bigint * (abs(hashtext(s.connection_id)::bigint) % 1000) / 1000) / 1000.0))
           OR last.started_at <= now() - make_interval(secs => $1::bigint / 1000.0)
           OR (re.at > coalesce(last.started_at, '-infinity'::timestamptz) AND re.at <= now() - make_interval(secs => $2::bigint / 1000.0)))
        ORDER BY last.started_at ASC NULLS FIRST LIMIT $3`,
      [intervalMs, settleMs, limit],
    );
    return rows.map((r) => ({ connectionId: r.connection_id, trigger: r.reenabled ? 're-enable' : 'schedule' }));
  }
}
