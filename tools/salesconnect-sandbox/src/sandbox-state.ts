import type { FeedState } from './change-feed';
import type { IdempotencyRecord } from './idempotency.store';
import type { StoredTask } from './task.store';
import type { User } from './user.model';
import type { WebhookDelivery } from './webhook-dispatcher';
import type { WebhookSubscription } from './webhook-subscription.store';

/** What the snapshot file holds: everything needed to continue, feed cursors included. */
export interface SalesConnectSnapshot {
  format: 'salesconnect-sandbox/1';
  users: User[];
  tasks: { lastSequence: number; tasks: StoredTask[] };
  feed: FeedState;
  idempotencyKeys: IdempotencyRecord[];
  subscriptions: WebhookSubscription[];
  deliveries: WebhookDelivery[];
}

export function isSalesConnectSnapshot(value: unknown): value is SalesConnectSnapshot {
  return (
    typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 'salesconnect-sandbox/1'
  );
}
