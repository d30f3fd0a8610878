import type { ChangeFeedFailure } from './change-feed.error';

/** Change Data Capture's change types. GAP_ kinds carry no fields; GAP_OVERFLOW carries no record ids either. */
export const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
] as const;

export type ChangeType = (typeof CHANGE_TYPES)[number];

/** One Task change event, whatever transport brought it. */
export interface TaskChangeEvent {
  /** Where the stream stands after this event: store it (after Kafka acknowledged the batch) to resume from it. */
  replayId: number;
  changeType: ChangeType;
  /**
   * The records changed the same way in one transaction (one event may name several). Empty for
   * GAP_OVERFLOW: re-read by time.
   */
  recordIds: string[];
  /** When the transaction committed (ms since the epoch). */
  commitTimestamp: number;
  /** The user whose session made the change. */
  commitUser: string;
  /** The transaction, and this event's place in it (from 1). */
  transactionKey: string;
  sequenceNumber: number;
  /** `com/salesforce/api/rest/62.0;client=task-sync`, or empty (a change made in the UI, a gap event). */
  changeOrigin: string;
  /** The `client=` part of `changeOrigin` (what `Sforce-Call-Options: client=` said), or null. */
  originClient: string | null;
  /** UPDATE: the fields that changed (LastModifiedDate among them); empty otherwise. */
  changedFields: string[];
  /** UPDATE: the fields set to null. */
  nulledFields: string[];
  /**
   * The owner when the event says it: CREATE and UNDELETE always, UPDATE only when the owner
   * changed. Null means "not in this event", never "no owner".
   */
  ownerId: string | null;
  /**
   * The event's body without its header: every non-null field for CREATE and UNDELETE, only what
   * changed for UPDATE (nulls named in `nulledFields`), nothing for DELETE and gap events.
   */
  fields: Record<string, unknown>;
}

/** Where a subscription starts: only new events, every retained event (72 hours), or after a stored replay id. */
export type ReplayFrom = 'new' | 'retained' | { afterReplayId: number };

export interface ChangeFeedHandler {
  /** The next batch waits until this promise settled; a rejection stops the subscription (HANDLER_FAILED). */
  onEvents(batch: TaskChangeEvent[]): Promise<void>;
  /** Once, after the batch in hand settled; no `onEvents` follows. Resubscribe as `failure.handling` says. */
  onFailure(failure: ChangeFeedFailure): void;
}

export interface ChangeFeedSubscription {
  /** Stops delivery, waits for the batch in hand to settle, and disconnects. No `onFailure` follows. */
  close(): Promise<void>;
}

/** One org's Task change events, behind a port of our own: CometD today, Salesforce's Pub/Sub API later. */
export interface ChangeFeed {
  /**
   * Resolves once the server accepted the subscription. A failure before that rejects with a
   * ChangeFeedError (and `onFailure` is not called); after it, failures go to `onFailure`.
   */
  subscribe(from: ReplayFrom, handler: ChangeFeedHandler): Promise<ChangeFeedSubscription>;
}
