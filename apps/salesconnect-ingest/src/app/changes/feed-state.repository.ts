import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TaskOrderState } from '@task-sync/sync-rules';

/** The app-wide feed is the only one we follow; the key leaves room for another. */
const FEED = 'app';

export interface FeedPosition {
  /** Opaque, from the feed's `nextCursor`. */
  cursor: string;
  /** Every change up to this sequence was handled in order by the catch-up. */
  lastSequence: number;
}

/** A task's change let through in order: published, or skipped for want of an enabled connection. */
export interface TaskOrderRecord {
  taskId: string;
  version: number;
  published: boolean;
}

@Injectable()
export class FeedStateRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async readPosition(): Promise<FeedPosition | null> {
    const rows: { cursor: string; last_sequence: string }[] = await this.dataSource.query(
      `SELECT cursor, last_sequence FROM feed_cursor WHERE feed = $1`,
      [FEED],
    );
    return rows.length === 0 ? null : { cursor: rows[0].cursor, lastSequence: Number(rows[0].last_sequence) };
  }

  /** Call only after Kafka acknowledged every change up to the cursor. */
  async savePosition(position: FeedPosition): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO feed_cursor (feed, cursor, last_sequence, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (feed) DO UPDATE SET cursor = EXCLUDED.cursor, last_sequence = EXCLUDED.last_sequence, updated_at = now()`,
        [FEED, position.cursor, position.lastSequence],
      );
      await manager.query(`DELETE FROM published_change WHERE sequence <= $1`, [position.lastSequence]);
    });
  }

  /** The feed was reset under us: its sequences start again, so what we remember means nothing. */
  async forgetSequences(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE feed_cursor SET last_sequence = 0, updated_at = now() WHERE feed = $1`, [FEED]);
      await manager.query(`DELETE FROM published_change`);
    });
  }

  /**
   * The sequences among these that were not published yet (neither behind the cursor nor by a
   * webhook): one statement, as a round of webhooks asks it every time.
   */
  async filterUnpublished(sequences: number[]): Promise<Set<number>> {
    if (sequences.length === 0) return new Set();
    const rows: { sequence: string }[] = await this.dataSource.query(
      `SELECT s.sequence FROM unnest($1::bigint[]) AS s(sequence)
        WHERE s.sequence > coalesce((SELECT last_sequence FROM feed_cursor WHERE feed = $2), 0)
          AND NOT EXISTS (SELECT 1 FROM published_change p WHERE p.sequence = s.sequence)`,
      [sequences, FEED],
    );
    return new Set(rows.map((r) => Number(r.sequence)));
  }

  /**
   * What Kafka acknowledged: the sequences, and their tasks' versions (as recordTaskVersions), in one
   * statement and one commit.
   */
  async recordPublished(sequences: number[], versions: TaskOrderRecord[] = []): Promise<void> {
    if (sequences.length === 0) return this.recordTaskVersions(versions);
    await this.dataSource.query(
      `WITH published AS (
         INSERT INTO published_change (sequence) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING
       )
       ${recordTaskVersionsSql(2)}`,
      [sequences, ...versionColumns(versions)],
    );
  }

  /** Per task, the highest version let through in order and the highest published (tasks never seen are absent). */
  async readTaskOrder(taskIds: string[]): Promise<Map<string, TaskOrderState>> {
    if (taskIds.length === 0) return new Map();
    const rows: { task_id: string; released_version: number; published_version: number | null }[] =
      await this.dataSource.query(
        `SELECT task_id, released_version, published_version FROM task_change_order WHERE task_id = ANY($1::text[])`,
        [taskIds],
      );
    return new Map(
      rows.map((r) => [
        r.task_id,
        { released: r.released_version, ...(r.published_version === null ? {} : { published: r.published_version }) },
      ]),
    );
  }

  /** Moves each task's versions forward only (a late write of an older version changes nothing). */
  async recordTaskVersions(records: TaskOrderRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.dataSource.query(recordTaskVersionsSql(1), versionColumns(records));
  }
}

/** Task ids, versions and whether published, as parameters `first` to `first` + 2: each task's highest, never lowered. */
const recordTaskVersionsSql = (
  first: number,
) => `INSERT INTO task_change_order AS t (task_id, released_version, published_version)
  SELECT r.task_id, max(r.version), max(r.version) FILTER (WHERE r.published)
    FROM unnest($${first}::text[], $${first + 1}::int[], $${first + 2}::boolean[]) AS r(task_id, version, published)
   GROUP BY r.task_id
  ON CONFLICT (task_id) DO UPDATE SET
    released_version = GREATEST(t.released_version, EXCLUDED.released_version),
    published_version = GREATEST(t.published_version, EXCLUDED.published_version),
    updated_at = now()`;

const versionColumns = (records: TaskOrderRecord[]) => [
  records.map((r) => r.taskId),
  records.map((r) => r.version),
  records.map((r) => r.published),
];
