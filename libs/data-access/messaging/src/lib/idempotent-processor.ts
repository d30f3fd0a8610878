import type { DataSource, EntityManager } from 'typeorm';
import { ProcessedMessageEntity } from './processed-message.entity';

export interface ProcessedMessageRef {
  consumer: string;
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Applies an event's effect and records the event as processed in ONE transaction. A redelivered
 * event finds its record and is skipped, so a crash between the commit and the Kafka offset commit
 * repeats nothing. The caller commits `offset + 1` only after this resolves.
 */
export async function processOnce(
  dataSource: DataSource,
  ref: ProcessedMessageRef,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<'applied' | 'duplicate'> {
  return dataSource.transaction(async (manager) => {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(ProcessedMessageEntity)
      .values({ ...ref })
      .orIgnore()
      .returning(['eventId'])
      .execute();
    if (inserted.raw.length === 0) return 'duplicate';
    await effect(manager);
    return 'applied';
  });
}
