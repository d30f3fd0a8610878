import type { Side, TaskFields } from '@task-sync/task-domain';

/**
 * How the ingest came to read a change:
 * - `import`: the read at an enable of the last 24 hours of Salesforce tasks (R2, R5);
 * - `reenable-deletes`: Salesforce deletions of the 15 days before a re-enable (R5);
 * - `live`: webhooks, the change feed, polling while enabled (R6);
 * - `repair`: the drift repair's reading of a linked pair (compareLinkedPair), decided as a live change.
 */
export type ChangeSource = 'import' | 'reenable-deletes' | 'live' | 'repair';

export interface SyncChange {
  side: Side;
  kind: 'upsert' | 'delete';
  taskId: string;
  /** The task's synced fields after the change; null for a delete. */
  fields: TaskFields | null;
  /** When it changed on its side (Sales Connect updatedAt or deletedAt; Salesforce SystemModstamp, or a change event's commit time to the ms). */
  changedAt: string;
  /** When the task was created on its side (R3 needs it for Sales Connect tasks). */
  createdAt: string | null;
  /** The app that made the change (Sales Connect origin; Salesforce `Sforce-Call-Options` client). */
  origin: string | null;
  source: ChangeSource;
  /** With `import` and `reenable-deletes`: the enable the read belongs to. */
  enableAt?: string;
  /** Salesforce only: `SalesConnect_Task_Id__c`, set on every task the sync created. */
  externalId?: string | null;
  /** Sales Connect only: the task's version after the change (absent from events published before it). */
  version?: number;
  /** Salesforce only: the task's `OwnerId` as read (R8); absent from reads that cannot say. */
  ownerId?: string | null;
  /** How a live change was read (the stream, a poll, a webhook, the feed): shown on the task's timeline, never decided on. */
  via?: 'stream' | 'poll' | 'webhook' | 'feed';
}
