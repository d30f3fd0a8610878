import { parseSalesforceDateTime, type TaskRecord } from '@task-sync/sfdc-client';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { salesforceIdKey } from '@task-sync/task-domain';

/** One change published for one connection: a task at a SystemModstamp, as it was read. */
export interface PublishedChange {
  taskId: string;
  stamp: number;
  /** What was read: SystemModstamp is whole seconds, so a second edit in the same second has the same stamp. */
  fingerprint: string;
}

/** Every read of one delete is the same change, whichever query found it. */
export const DELETED = 'deleted';

/** The record's URL, and what only a by-id read asks for: left out, so the poll's read and the stream's read of one state match. */
const NOT_FINGERPRINTED = ['attributes', 'LastModifiedById'];

/** A hash of the record as read. */
export function fingerprintOf(record: object): string {
  const fields = { ...(record as Record<string, unknown>) };
  for (const name of NOT_FINGERPRINTED) delete fields[name];
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}

/** The change a record as read stands for (a deleted one is its delete). */
export function publishedChangeOf(record: TaskRecord): PublishedChange {
  return {
    taskId: record.Id,
    stamp: parseSalesforceDateTime(record.SystemModstamp),
    fingerprint: record.IsDeleted ? DELETED : fingerprintOf(record),
  };
}

/**
 * So neither the poll's look-back nor the stream and poll together publish a change twice. Written in
 * the transaction that moves the reader's position, after Kafka's ack.
 */
export class PublishedChangeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Only the latest counts: a task edited and put back within one second (complete, then reopen)
   * reads as an earlier state at the same stamp, and is a change.
   */
  async withoutPublished<T extends PublishedChange>(
    connectionId: string,
    items: T[],
    manager?: EntityManager,
  ): Promise<T[]> {
    if (items.length === 0) return items;
    const rows: { task_id: string; stamp: Date; fingerprint: string }[] = await (
      manager ?? this.dataSource.manager
    ).query(
      `SELECT DISTINCT ON (task_id) task_id, stamp, fingerprint FROM sfdc_published_change
        WHERE connection_id = $1 AND task_id = ANY($2) ORDER BY task_id, stamp DESC, published_at DESC`,
      [connectionId, [...new Set(items.map((i) => i.taskId))]],
    );
    const latest = new Map(rows.map((r) => [r.task_id, { stamp: r.stamp.getTime(), fingerprint: r.fingerprint }]));
    return items.filter((i) => {
      const last = latest.get(i.taskId);
      return !last || i.stamp > last.stamp || (i.stamp === last.stamp && i.fingerprint !== last.fingerprint);
    });
  }

  /** A delete ends the route (R8; an undelete is routed by its owner again), so routes last as long as their tasks. */
  async remember(manager: EntityManager, connectionId: string, changes: PublishedChange[]): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `INSERT INTO sfdc_published_change (connection_id, task_id, stamp, fingerprint)
       SELECT $1, t, s, f FROM unnest($2::text[], $3::timestamptz[], $4::text[]) AS u(t, s, f)
       ON CONFLICT (connection_id, task_id, stamp, fingerprint) DO UPDATE SET published_at = clock_timestamp()`,
      [
        connectionId,
        changes.map((c) => c.taskId),
        changes.map((c) => new Date(c.stamp).toISOString()),
        changes.map((c) => c.fingerprint),
      ],
    );
    const deleted = changes.filter((c) => c.fingerprint === DELETED).map((c) => salesforceIdKey(c.taskId));
    const live = changes
      .filter((c) => c.fingerprint !== DELETED && !deleted.includes(salesforceIdKey(c.taskId)))
      .map((c) => c.taskId);
    if (live.length > 0) {
      await manager.query(
        `INSERT INTO sfdc_task_route (task_key, connection_id) SELECT DISTINCT left(t, 15), $1 FROM unnest($2::text[]) AS u(t) ON CONFLICT DO NOTHING`,
        [connectionId, live],
      );
    }
    if (deleted.length > 0)
      await manager.query(`DELETE FROM sfdc_task_route WHERE connection_id = $1 AND task_key = ANY($2)`, [
        connectionId,
        deleted,
      ]);
  }

  /** A look-back and an hour behind the watermark: no read goes back that far. */
  async pruneBehindWatermarks(connectionIds: readonly string[], lookbackMs: number): Promise<void> {
    if (connectionIds.length === 0) return;
    await this.dataSource.query(
      `DELETE FROM sfdc_published_change p USING sfdc_sync_state s
       WHERE p.connection_id = s.connection_id AND s.connection_id = ANY($1)
         AND p.stamp < LEAST(s.changes_watermark, s.deletes_watermark) - make_interval(secs => $2)`,
      [connectionIds, lookbackMs / 1000 + 3600],
    );
  }

  /** The connections each task was published to, by its 15-character id. */
  async routesOf(taskIds: readonly string[]): Promise<Map<string, string[]>> {
    const routes = new Map<string, string[]>();
    if (taskIds.length === 0) return routes;
    const rows: { task_key: string; connection_id: string }[] = await this.dataSource.query(
      `SELECT task_key, connection_id FROM sfdc_task_route WHERE task_key = ANY($1)`,
      [[...new Set(taskIds.map(salesforceIdKey))]],
    );
    for (const r of rows) routes.set(r.task_key, [...(routes.get(r.task_key) ?? []), r.connection_id]);
    return routes;
  }

  /** The task no longer goes to this connection: its former owner was told once (R8). */
  async forgetRoute(manager: EntityManager, connectionId: string, taskId: string): Promise<void> {
    await manager.query(`DELETE FROM sfdc_task_route WHERE task_key = left($1, 15) AND connection_id = $2`, [
      taskId,
      connectionId,
    ]);
  }
}
