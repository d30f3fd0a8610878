import type { EntityManager } from 'typeorm';
import type { Page, TaskHealthConflict, TaskHealthTask } from '@task-sync/contracts';
import type { Side } from '@task-sync/task-domain';
import type { SyncAction, SyncChange } from '@task-sync/sync-rules';
import {
  describeConflict,
  describeDecision,
  describeRead,
  describeWrite,
  SIDE_NAME,
  type ActivityEvent,
  type ActivityRow,
  type ActivitySubject,
  type ReadOrigin,
} from './task-activity';

type Db = Pick<EntityManager, 'query'>;

export type { Page, ActivityEvent };
export type ActivityTask = TaskHealthTask;
export type ConflictItem = TaskHealthConflict;

const pageOf = <T>(items: T[], total: number, offset: number): Page<T> => ({
  items,
  total,
  nextOffset: offset + items.length < total ? offset + items.length : null,
});

/** One INSERT at the transaction's end: a run decides hundreds of changes, and a statement each cost the throughput. */
export class TaskActivityBatch {
  readonly rows: ActivityRow[] = [];

  recordRead(of: ActivitySubject, change: SyncChange, origin: ReadOrigin, ourOrigin: string): void {
    this.rows.push(describeRead(of, change, origin, ourOrigin));
  }

  recordDecision(of: ActivitySubject, change: SyncChange, actions: readonly SyncAction[]): void {
    this.rows.push(describeDecision(of, change, actions));
    for (const action of actions) if (action.type === 'conflict') this.recordConflict(of, action);
  }

  recordConflict(of: ActivitySubject, conflict: Extract<SyncAction, { type: 'conflict' }>): void {
    this.rows.push(describeConflict(of, conflict));
  }

  recordWriteOutcome(
    of: ActivitySubject,
    write: { side: Side; kind: string; fields?: unknown },
    outcome: Parameters<typeof describeWrite>[2],
  ): void {
    this.rows.push(describeWrite(of, write, outcome));
  }

  recordDeadLetter(of: ActivitySubject, side: Side, code: string, reason: string, nextRetryAt: Date | null): void {
    this.rows.push({
      ...of,
      kind: 'dead-letter',
      side,
      origin: null,
      summary: nextRetryAt
        ? `Parked as a failed write to ${SIDE_NAME[side]}; tried again at ${nextRetryAt.toISOString()}`
        : `Parked as a failed write to ${SIDE_NAME[side]}; not tried again until the task changes`,
      reason,
      outcome: nextRetryAt ? 'will-retry' : 'retries-exhausted',
      code,
      detail: { nextRetryAt: nextRetryAt?.toISOString() ?? null },
    });
  }

  recordIgnored(of: ActivitySubject, side: Side, by: string | null): void {
    this.rows.push({
      ...of,
      kind: 'ignored',
      side,
      origin: null,
      summary: `Failed write to ${SIDE_NAME[side]} ignored: not retried until the task changes`,
      reason: null,
      outcome: 'ignored',
      code: null,
      detail: by ? { by } : null,
    });
  }

  recordRetry(of: ActivitySubject, side: Side, summary: string, by: string | null): void {
    this.rows.push({
      ...of,
      kind: 'retry',
      side,
      origin: null,
      summary,
      reason: null,
      outcome: 'queued',
      code: null,
      detail: by ? { by } : null,
    });
  }

  recordResync(of: ActivitySubject, outcome: string, differences: string[], by: string | null): void {
    this.rows.push({
      ...of,
      kind: 'resync',
      side: null,
      origin: 'resync',
      summary: differences.length > 0 ? `Resync: ${outcome} (${differences.join(', ')})` : `Resync: ${outcome}`,
      reason: null,
      outcome,
      code: null,
      detail: { differences, ...(by ? { by } : {}) },
    });
  }

  async flush(db: Db): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows.splice(0);
    await TaskActivityRepository.insert(db, rows);
  }
}

/** The INSERT's column list and its arrays come from this one list, so they cannot fall out of order. */
const INSERTED: [column: string, type: string, value: (row: ActivityRow) => unknown][] = [
  ['connection_id', 'text', (r) => r.connectionId],
  ['link_id', 'uuid', (r) => r.linkId],
  ['salesconnect_task_id', 'text', (r) => r.salesConnectTaskId],
  ['sfdc_task_id', 'text', (r) => r.sfdcTaskId],
  ['subject', 'text', (r) => r.subject],
  ['kind', 'text', (r) => r.kind],
  ['side', 'text', (r) => r.side],
  ['origin', 'text', (r) => r.origin],
  ['summary', 'text', (r) => r.summary],
  ['reason', 'text', (r) => r.reason],
  ['outcome', 'text', (r) => r.outcome],
  ['code', 'text', (r) => r.code],
  ['detail', 'jsonb', (r) => (r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail))],
];

// A column an array: unnest reads them faster than a JSON document of rows.
const INSERT_SQL = `INSERT INTO task_activity (${INSERTED.map(([column]) => column).join(', ')})
  SELECT * FROM unnest(${INSERTED.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;

export class TaskActivityRepository {
  /** The rows' order is their ids' order. */
  static async insert(db: Db, rows: readonly ActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      INSERT_SQL,
      INSERTED.map(([, , value]) => rows.map(value)),
    );
  }

  constructor(private readonly db: Db) {}

  /**
   * The connection's tasks by name (a case-insensitive part of the subject they have now or had on
   * any event kept) or by either side's id (exact), the latest event first.
   */
  async searchTasks(connectionId: string, q: string, offset: number, limit: number): Promise<Page<ActivityTask>> {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: (TaskRow & { total: string })[] = await this.db.query(
      `WITH found AS (
         SELECT l.id FROM task_link l
          WHERE l.connection_id = $1 AND ($2 = '' OR l.salesconnect_task_id = $2 OR l.sfdc_task_id = $2 OR l.link->'fields'->'title'->>'value' ILIKE $3)
         UNION
         SELECT a.link_id FROM task_activity a
          WHERE a.connection_id = $1 AND $2 <> '' AND (a.subject ILIKE $3 OR a.salesconnect_task_id = $2 OR a.sfdc_task_id = $2))
       SELECT ${TASK_COLUMNS}, count(*) OVER () AS total
         FROM found f JOIN task_link l ON l.id = f.id
         LEFT JOIN LATERAL (SELECT max(a.at) AS at FROM task_activity a WHERE a.link_id = l.id) last ON true
        ORDER BY last.at DESC NULLS LAST, l.id
        LIMIT $4 OFFSET $5`,
      [connectionId, q.trim(), pattern, limit, offset],
    );
    const total =
      rows.length > 0 ? Number(rows[0].total) : offset > 0 ? await this.countSearch(connectionId, q, pattern) : 0;
    return pageOf(rows.map(toTask), total, offset);
  }

  private async countSearch(connectionId: string, q: string, pattern: string): Promise<number> {
    const [row]: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM (
         SELECT l.id FROM task_link l WHERE l.connection_id = $1 AND ($2 = '' OR l.salesconnect_task_id = $2 OR l.sfdc_task_id = $2 OR l.link->'fields'->'title'->>'value' ILIKE $3)
         UNION SELECT a.link_id FROM task_activity a WHERE a.connection_id = $1 AND $2 <> '' AND (a.subject ILIKE $3 OR a.salesconnect_task_id = $2 OR a.sfdc_task_id = $2)) f`,
      [connectionId, q.trim(), pattern],
    );
    return Number(row.n);
  }

  async findTask(connectionId: string, linkId: string): Promise<ActivityTask | null> {
    const [row]: TaskRow[] = await this.db.query(
      `SELECT ${TASK_COLUMNS} FROM task_link l
         LEFT JOIN LATERAL (SELECT max(a.at) AS at FROM task_activity a WHERE a.link_id = l.id) last ON true
        WHERE l.connection_id = $1 AND l.id = $2`,
      [connectionId, linkId],
    );
    return row ? toTask(row) : null;
  }

  async timeline(connectionId: string, linkId: string, offset: number, limit: number): Promise<Page<ActivityEvent>> {
    const rows: (EventRow & { total: string })[] = await this.db.query(
      `SELECT at, kind, side, origin, summary, reason, outcome, code, detail, count(*) OVER () AS total
         FROM task_activity WHERE connection_id = $1 AND link_id = $2 ORDER BY id LIMIT $3 OFFSET $4`,
      [connectionId, linkId, limit, offset],
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && offset > 0) {
      const [row]: { n: string }[] = await this.db.query(
        `SELECT count(*) AS n FROM task_activity WHERE connection_id = $1 AND link_id = $2`,
        [connectionId, linkId],
      );
      total = Number(row.n);
    }
    return pageOf(
      rows.map((r) => ({
        at: new Date(r.at).toISOString(),
        kind: r.kind,
        side: r.side,
        origin: r.origin,
        summary: r.summary,
        reason: r.reason,
        outcome: r.outcome,
        code: r.code,
        detail: r.detail,
      })),
      total,
      offset,
    );
  }

  async conflicts(connectionId: string, offset: number, limit: number): Promise<Page<ConflictItem>> {
    type Row = {
      link_id: string | null;
      subject: string | null;
      salesconnect_task_id: string | null;
      sfdc_task_id: string | null;
      field: string;
      winner: ConflictSide;
      loser: ConflictSide;
      recorded_at: Date;
      total: string;
    };
    const rows: Row[] = await this.db.query(
      `SELECT coalesce(c.link_id, l.id) AS link_id, l.link->'fields'->'title'->>'value' AS subject, c.salesconnect_task_id, c.sfdc_task_id,
              c.field, c.winner, c.loser, c.recorded_at, count(*) OVER () AS total
         FROM sync_conflict c
         LEFT JOIN LATERAL (SELECT l.id, l.link FROM task_link l
                             WHERE l.id = c.link_id OR (c.link_id IS NULL AND l.connection_id = c.connection_id
                               AND (l.salesconnect_task_id = c.salesconnect_task_id OR l.sfdc_task_id = c.sfdc_task_id))
                             ORDER BY l.unlinked_at NULLS FIRST LIMIT 1) l ON true
        WHERE c.connection_id = $1 ORDER BY c.id DESC LIMIT $2 OFFSET $3`,
      [connectionId, limit, offset],
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && offset > 0) {
      const [row]: { n: string }[] = await this.db.query(
        `SELECT count(*) AS n FROM sync_conflict WHERE connection_id = $1`,
        [connectionId],
      );
      total = Number(row.n);
    }
    return pageOf(
      rows.map((r) => {
        const bySide = (side: Side) => (r.winner.side === side ? r.winner : r.loser.side === side ? r.loser : null);
        return {
          linkId: r.link_id,
          subject: r.subject,
          salesConnectTaskId: r.salesconnect_task_id,
          sfdcTaskId: r.sfdc_task_id,
          field: r.field,
          salesConnectValue: bySide('salesconnect')?.value ?? null,
          sfdcValue: bySide('sfdc')?.value ?? null,
          salesConnectChangedAt: bySide('salesconnect')?.changedAt ?? null,
          sfdcChangedAt: bySide('sfdc')?.changedAt ?? null,
          winner: r.winner.side,
          decidedAt: new Date(r.recorded_at).toISOString(),
        };
      }),
      total,
      offset,
    );
  }

  /** A bounded batch at a time: no long lock on a busy table. */
  async prune(retentionDays: number, batchSize = 5000): Promise<number> {
    let pruned = 0;
    for (;;) {
      const rows: unknown[] = await this.db.query(
        `WITH gone AS (DELETE FROM task_activity WHERE id IN (SELECT id FROM task_activity WHERE at < now() - make_interval(days => $1) ORDER BY id LIMIT $2) RETURNING 1)
         SELECT 1 FROM gone`,
        [retentionDays, batchSize],
      );
      pruned += rows.length;
      if (rows.length < batchSize) return pruned;
    }
  }
}

type ConflictSide = { side: Side; value: unknown; changedAt: string };
type TaskRow = {
  id: string;
  subject: string | null;
  salesconnect_task_id: string | null;
  sfdc_task_id: string | null;
  last_event_at: Date | null;
};
/** A task_activity row as the timeline reads it: an event, its time as PostgreSQL answers it. */
type EventRow = Omit<ActivityEvent, 'at'> & { at: Date };
const TASK_COLUMNS = `l.id, l.link->'fields'->'title'->>'value' AS subject, l.salesconnect_task_id, l.sfdc_task_id, last.at AS last_event_at`;

const toTask = (r: TaskRow): ActivityTask => ({
  linkId: r.id,
  subject: r.subject,
  salesConnectTaskId: r.salesconnect_task_id,
  sfdcTaskId: r.sfdc_task_id,
  lastEventAt: r.last_event_at ? new Date(r.last_event_at).toISOString() : null,
});
