import type { EntityManager } from 'typeorm';
import { OutboxMessageEntity } from './outbox-message.entity';

export interface OutboxEntry {
  eventId: string;
  eventType: string;
  topic: string;
  key: string;
  /** The encoded event (encodeEvent from @task-sync/contracts). */
  payload: string;
}

/** Call inside the transaction that makes the change: both commit, or neither does. */
export async function enqueueOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await manager.getRepository(OutboxMessageEntity).insert(entries);
}
