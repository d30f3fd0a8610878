import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The app-wide feed is the only one we follow; the key leaves room for another. */
const FEED = 'app';

export interface FeedPosition {
  /** Opaque, from the feed's `nextCursor`. */
  cursor: string;
  /** Every change up to this sequence was handled in order by the catch-up. */
  lastSequence: number;
}

/** Where the catch-up stands, and which changes ahead of it webhooks already published. */
@Injectable()
export class FeedStateRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async readPosition(): Promise<FeedPosition | null> {
    const rows: { cursor: string; last_sequence: string }[] = await this.dataSource.query(`SELECT cursor, last_sequence FROM feed_cursor WHERE feed = $1`, [FEED]);
    return rows.length === 0 ? null : { cursor: rows[0].cursor, lastSequence: Number(rows[0].last_sequence) };
  }

  /**
   * Moves the cursor forward (call it only after Kafka acknowledged every change up to it) and
   * forgets the webhook records it now covers.
   */
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

  /** The sequences among these that were not published yet (neither behind the cursor nor by a webhook). */
  async filterUnpublished(sequences: number[]): Promise<Set<number>> {
    if (sequences.length === 0) return new Set();
    const position = await this.readPosition();
    const ahead = sequences.filter((s) => s > (position?.lastSequence ?? 0));
    if (ahead.length === 0) return new Set();
    const rows: { sequence: string }[] = await this.dataSource.query(`SELECT sequence FROM published_change WHERE sequence = ANY($1::bigint[])`, [ahead]);
    const published = new Set(rows.map((r) => Number(r.sequence)));
    return new Set(ahead.filter((s) => !published.has(s)));
  }

  async recordPublished(sequences: number[]): Promise<void> {
    if (sequences.length === 0) return;
    await this.dataSource.query(`INSERT INTO published_change (sequence) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING`, [sequences]);
  }
}
