import type { EntityManager } from 'typeorm';
import { outboxMessages, type OutboxEntry } from './outbox-message.repository';

export type { OutboxEntry } from './outbox-message.repository';

/** Call inside the transaction that makes the change: both commit, or neither does. */
export async function enqueueOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await outboxMessages.insert(manager, entries);
  // Delivered at commit (and dropped on rollback): wakes the relay, so the rows go out now, not at its next poll.
  await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
}

/** The notification channel a commit that enqueued rows signals on. */
export const OUTBOX_CHANNEL = 'outbox_message';
