import { createHash } from 'node:crypto';
import {
  buildMessageKey,
  encodeEvent,
  KAFKA_TOPICS,
  SALESCONNECT_TASK_CHANGED,
  type SalesConnectTaskChanged,
} from '@task-sync/contracts';
import type { SalesConnectChange } from '@task-sync/salesconnect-client';
import { mapSalesConnectTaskToFields } from '@task-sync/task-mapping';
import type { OutgoingMessage } from '@task-sync/util-nest';

/** A fixed namespace for our name-based (version 5) event ids. */
const EVENT_ID_NAMESPACE = Buffer.from('5c0b1a7e2d9f4e6a8b3c1d2e4f5a6b7c', 'hex');

/**
 * The same change for the same connection always gets the same event id (an RFC 9562 version-5
 * UUID of connection, sequence, task and time), so when a webhook and the catch-up, a retry or a
 * restart publish it twice, consumers' processed-message records drop the second copy. The task
 * id and time are in the name too: a feed that was reset reuses sequence numbers for new changes.
 */
export function deriveEventId(
  connectionId: string,
  change: Pick<SalesConnectChange, 'sequence' | 'taskId' | 'occurredAt'>,
): string {
  const name = [connectionId, change.sequence, change.taskId, change.occurredAt].join('\n');
  const bytes = createHash('sha1').update(EVENT_ID_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `createdAt` is the task's creation on Sales Connect: with the connection's enable history, what R3 is judged on. */
export function mapChangeToTaskChangedEvent(
  change: SalesConnectChange,
  connectionId: string,
  via?: 'webhook' | 'feed',
): SalesConnectTaskChanged {
  const deleted = change.type === 'deleted';
  return {
    eventId: deriveEventId(connectionId, change),
    type: SALESCONNECT_TASK_CHANGED,
    occurredAt: change.occurredAt,
    connectionId,
    kind: deleted ? 'delete' : 'upsert',
    taskId: change.taskId,
    fields: deleted ? null : mapSalesConnectTaskToFields(change.task),
    changedAt: change.occurredAt,
    createdAt: change.task.createdAt,
    origin: change.origin,
    source: 'live',
    version: change.task.version,
    ...(via ? { via } : {}),
  };
}

/** Keyed by connection + task, so one task's changes stay in order. */
export function mapChangeToMessage(
  change: SalesConnectChange,
  connectionId: string,
  via?: 'webhook' | 'feed',
): OutgoingMessage {
  const event = mapChangeToTaskChangedEvent(change, connectionId, via);
  return {
    topic: KAFKA_TOPICS.salesconnectTaskChanges,
    key: buildMessageKey(connectionId, change.taskId),
    value: encodeEvent(SALESCONNECT_TASK_CHANGED, event),
    eventId: event.eventId,
    eventType: SALESCONNECT_TASK_CHANGED,
  };
}
