import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import { KafkaPublisher } from '@task-sync/util-nest';

/**
 * One advisory lock orders every "Sync tasks" change against the watermark: a change holds it
 * exclusively from its timestamp to its commit, a watermark shares it. So when a watermark is read,
 * every change stamped before it has committed, and every later change is stamped after it.
 */
const SETTINGS_LOCK_KEY = 0x5359_4e43; // "SYNC"

/**
 * The database's clock, so replicas never disagree; whole milliseconds, as the event carries it.
 * Call first in the transaction that records the change.
 */
export async function stampSettingChange(manager: EntityManager): Promise<Date> {
  await manager.query(`SELECT pg_advisory_xact_lock($1)`, [SETTINGS_LOCK_KEY]);
  const [row]: { at: Date }[] = await manager.query(`SELECT date_trunc('milliseconds', clock_timestamp()) AS at`);
  return row.at;
}

/** Up to when a consumer that has read the settings topic to `ends` knows every setting change. */
export interface SettingsWatermark {
  /** Every setting change stamped at or before this instant lies before `ends` on the settings topic. */
  at: string;
  /** Per partition: the end offset, and the first offset still kept (a partition with nothing left has nothing to apply). */
  ends: { partition: number; offset: string; low: string }[];
}

/** R7 exact: a service decides a change made at t only once its view of the settings holds every change up to t. */
@Injectable()
export class SettingsClock {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
  ) {}

  async watermark(): Promise<SettingsWatermark> {
    const at = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock_shared($1)`, [SETTINGS_LOCK_KEY]);
      // One millisecond back: a change stamped later may still fall in this millisecond. A change
      // not published yet (its row is created before it is stamped) holds the watermark before it.
      const [row]: { at: Date }[] = await manager.query(
        `SELECT least(date_trunc('milliseconds', clock_timestamp()),
                      (SELECT date_trunc('milliseconds', min(created_at)) FROM outbox_message WHERE published_at IS NULL AND topic = $1))
                - interval '1 millisecond' AS at`,
        [KAFKA_TOPICS.settingsChanges],
      );
      return row.at;
    });
    // Read after: every change before `at` was acknowledged by Kafka, so it lies before these ends.
    return { at: at.toISOString(), ends: await this.publisher.topicEnds(KAFKA_TOPICS.settingsChanges) };
  }
}
