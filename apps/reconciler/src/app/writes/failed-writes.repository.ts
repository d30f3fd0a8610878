import type { EntityManager } from 'typeorm';
import type { Side } from '@task-sync/task-domain';
import {
  decideFailedWriteRetry,
  type CoalescedWrite,
  type FailedWriteRetryPolicy,
  type QueuedWrite,
} from '@task-sync/sync-rules';
import type { LinkIds } from './link-ids';

type Db = Pick<EntityManager, 'query'>;

/** Which failed writes a person's Retry now or Ignore names: some tasks, or a whole group (code and side). */
export type FailedWriteSelection = { items: { linkId: string; side: Side }[] } | { code: string; side: Side };

/**
 * A 'retry' (or other) timeline row for each failed write a statement touched, in the same statement:
 * `rows` names a CTE with link_id, side and connection_id.
 */
const activityOf = (rows: string, kind: 'retry' | 'ignored', summary: string, outcome: string) => `
  activity AS (
    INSERT INTO task_activity (connection_id, link_id, salesconnect_task_id, sfdc_task_id, subject, kind, side, summary, outcome)
    SELECT r.connection_id, r.link_id, l.salesconnect_task_id, l.sfdc_task_id, l.link->'fields'->'title'->>'value', '${kind}', r.side,
           ${summary}, '${outcome}'
      FROM ${rows} r JOIN task_link l ON l.id = r.link_id)`;

const SIDE_NAME_SQL = `CASE r.side WHEN 'sfdc' THEN 'Salesforce' ELSE 'Sales Connect' END`;

/** A task's failed write as connector-settings is told of it. */
export interface FailedWriteState {
  connectionId: string;
  linkId: string;
  side: Side;
  kind: CoalescedWrite['kind'];
  code: string;
  reason: string;
  attempts: number;
  firstFailedAt: Date;
  /** null: the bound was reached; it is tried again only when the task changes. */
  nextRetryAt: Date | null;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  subject: string | null;
}

/** A failed write that is failed no longer: it landed, or folded into one that did. */
export interface ClearedWrite {
  connectionId: string;
  linkId: string;
  side: Side;
}

/** The folded write as one queued action, to be queued again as it was. */
export function toQueuedAction(write: Pick<CoalescedWrite, 'kind' | 'fields'>): QueuedWrite {
  if (write.kind === 'create')
    return { type: 'create', fields: write.fields as Extract<QueuedWrite, { type: 'create' }>['fields'] };
  if (write.kind === 'delete') return { type: 'delete' };
  return { type: 'update', fields: write.fields };
}

const KIND_OF_ACTION: Record<QueuedWrite['type'], CoalescedWrite['kind']> = {
  create: 'create',
  update: 'update',
  complete: 'update',
  reopen: 'update',
  delete: 'delete',
};

/**
 * failed_write, one a task and side. A retry goes through the normal write queue, so its outcome is
 * handled as any write's.
 */
export class FailedWritesRepository {
  constructor(private readonly policy: FailedWriteRetryPolicy) {}

  /**
   * One statement on a partial index: cheap enough for every flusher round. A connection with sync off
   * keeps its failed writes unretried (R7: nothing crosses after the disable) until it is on again.
   */
  async queueDueRetries(db: Db): Promise<number> {
    const rows: unknown[] = await db.query(
      `WITH due AS (
         UPDATE failed_write f SET queued = true
          WHERE NOT f.queued AND f.next_retry_at IS NOT NULL AND f.next_retry_at <= now()
            AND EXISTS (SELECT 1 FROM connection_setting s WHERE s.connection_id = f.connection_id AND s.enabled)
          RETURNING write_id, connection_id, link_id, side, action),
       ${activityOf('due', 'retry', `'Failed write to ' || ${SIDE_NAME_SQL} || ' queued again'`, 'queued')}
       INSERT INTO task_write (id, connection_id, link_id, side, action, attempts, next_attempt_at, created_at)
       SELECT write_id, connection_id, link_id, side, action, 0, now(), now() FROM due
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
    );
    return rows.length;
  }

  /**
   * Queued before the task's newer writes (its id is older), so they fold onto it and the task goes
   * as it is now. A new count of attempts: the task changed.
   */
  async queueSupersededByNewerWrites(manager: EntityManager, connectionId: string): Promise<void> {
    await manager.query(
      `WITH superseded AS (
         UPDATE failed_write f SET queued = true, attempts = 0
          WHERE f.connection_id = $1 AND NOT f.queued
            AND EXISTS (SELECT 1 FROM task_write w WHERE w.connection_id = f.connection_id AND w.side = f.side AND w.link_id = f.link_id)
          RETURNING write_id, connection_id, link_id, side, action),
       ${activityOf('superseded', 'retry', `'A later change of the task queued its failed write to ' || ${SIDE_NAME_SQL} || ' again'`, 'queued')}
       INSERT INTO task_write (id, connection_id, link_id, side, action, attempts, next_attempt_at, created_at)
       SELECT write_id, connection_id, link_id, side, action, 0, now(), now() FROM superseded
       ON CONFLICT (id) DO NOTHING`,
      [connectionId],
    );
  }

  async recordFailure(
    manager: EntityManager,
    connectionId: string,
    write: CoalescedWrite,
    ids: LinkIds | undefined,
    code: string,
    reason: string,
  ): Promise<FailedWriteState> {
    const now = new Date();
    const [previous]: { attempts: number; first_failed_at: Date; write_id: string }[] = await manager.query(
      `SELECT attempts, first_failed_at, write_id::text FROM failed_write WHERE link_id = $1 AND side = $2 FOR UPDATE`,
      [write.linkId, write.side],
    );
    const attempts = (previous?.attempts ?? 0) + 1;
    const decision = decideFailedWriteRetry(attempts, now, this.policy);
    const nextRetryAt = decision.kind === 'retry' ? decision.at : null;
    const writeId = [previous?.write_id, ...write.rowIds]
      .filter((id): id is string => id !== undefined)
      .reduce((a, b) => (BigInt(a) <= BigInt(b) ? a : b));
    const firstFailedAt = previous && previous.attempts > 0 ? new Date(previous.first_failed_at) : now;
    await manager.query(
      `INSERT INTO failed_write (link_id, side, connection_id, write_id, action, code, reason, attempts, first_failed_at, last_failed_at, next_retry_at, queued)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false)
       ON CONFLICT (link_id, side) DO UPDATE SET
         write_id = EXCLUDED.write_id, action = EXCLUDED.action, code = EXCLUDED.code, reason = EXCLUDED.reason, attempts = EXCLUDED.attempts,
         first_failed_at = EXCLUDED.first_failed_at, last_failed_at = EXCLUDED.last_failed_at, next_retry_at = EXCLUDED.next_retry_at, queued = false,
         ignored_at = NULL`,
      [
        write.linkId,
        write.side,
        connectionId,
        writeId,
        JSON.stringify(toQueuedAction(write)),
        code,
        reason,
        attempts,
        firstFailedAt,
        now,
        nextRetryAt,
      ],
    );
    return {
      connectionId,
      linkId: write.linkId,
      side: write.side,
      kind: KIND_OF_ACTION[toQueuedAction(write).type],
      code,
      reason,
      attempts,
      firstFailedAt,
      nextRetryAt,
      salesConnectTaskId: ids?.salesConnectTaskId ?? null,
      sfdcTaskId: ids?.sfdcTaskId ?? null,
      subject: ids?.subject ?? null,
    };
  }

  /** Ignored writes too; writes being tried already are left as they are. */
  async scheduleRetryNow(db: Db, connectionId: string, selection: FailedWriteSelection): Promise<number> {
    const rows: unknown[] = await db.query(
      `WITH asked AS (
         UPDATE failed_write f SET next_retry_at = now(), ignored_at = NULL
           FROM (${selectionSql(selection)}) s
          WHERE f.connection_id = $1 AND NOT f.queued AND f.link_id = s.link_id AND f.side = s.side
          RETURNING f.connection_id, f.link_id, f.side),
       ${activityOf('asked', 'retry', `'Retry now asked for the write to ' || ${SIDE_NAME_SQL}`, 'asked')}
       SELECT 1 FROM asked`,
      [connectionId, ...selectionParams(selection)],
    );
    return rows.length;
  }

  /** A later change of the task queues them again (queueSupersededByNewerWrites), as any failed write. */
  async markIgnored(db: Db, connectionId: string, selection: FailedWriteSelection): Promise<ClearedWrite[]> {
    const rows: { link_id: string; side: Side }[] = await db.query(
      `WITH ignored AS (
         UPDATE failed_write f SET ignored_at = now(), next_retry_at = NULL
           FROM (${selectionSql(selection)}) s
          WHERE f.connection_id = $1 AND NOT f.queued AND f.ignored_at IS NULL AND f.link_id = s.link_id AND f.side = s.side
          RETURNING f.connection_id, f.link_id, f.side),
       ${activityOf('ignored', 'ignored', `'Failed write to ' || ${SIDE_NAME_SQL} || ' ignored: not retried until the task changes'`, 'ignored')}
       SELECT link_id, side FROM ignored`,
      [connectionId, ...selectionParams(selection)],
    );
    return rows.map((r) => ({ connectionId, linkId: r.link_id, side: r.side }));
  }

  async clearLanded(
    manager: EntityManager,
    connectionId: string,
    landed: readonly Pick<CoalescedWrite, 'linkId' | 'side'>[],
  ): Promise<ClearedWrite[]> {
    if (landed.length === 0) return [];
    // Through a CTE: TypeORM answers a bare DELETE … RETURNING as [rows, count], a SELECT as rows.
    const rows: { link_id: string; side: Side }[] = await manager.query(
      `WITH gone AS (
         DELETE FROM failed_write f USING unnest($2::uuid[], $3::text[]) AS d(link_id, side)
          WHERE f.connection_id = $1 AND f.link_id = d.link_id AND f.side = d.side
          RETURNING f.link_id, f.side)
       SELECT link_id, side FROM gone`,
      [connectionId, landed.map((w) => w.linkId), landed.map((w) => w.side)],
    );
    return rows.map((r) => ({ connectionId, linkId: r.link_id, side: r.side }));
  }
}

/** The (link_id, side) pairs a selection names, as a subquery over $2 and $3 (the connection is $1); a group is its open (not ignored) writes. */
function selectionSql(selection: FailedWriteSelection): string {
  if ('items' in selection) return `SELECT * FROM unnest($2::uuid[], $3::text[]) AS x(link_id, side)`;
  return `SELECT g.link_id, g.side FROM failed_write g WHERE g.connection_id = $1 AND g.code = $2 AND g.side = $3 AND g.ignored_at IS NULL`;
}

function selectionParams(selection: FailedWriteSelection): unknown[] {
  if ('items' in selection) return [selection.items.map((i) => i.linkId), selection.items.map((i) => i.side)];
  return [selection.code, selection.side];
}
