import { randomUUID } from 'node:crypto';
import {
  FAILED_WRITE_CHANGED,
  KAFKA_TOPICS,
  buildMessageKey,
  encodeEvent,
  type FailedWriteChanged,
} from '@task-sync/contracts';
import type { OutgoingMessage } from '@task-sync/util-nest';
import type { ClearedWrite, FailedWriteState } from './failed-writes.repository';

/** A task's failed state, set or cleared, as a message on the status topic keyed by its connection (in order with its status). */
export function buildFailedWriteMessage(
  reportedBy: string,
  change: { failed: FailedWriteState } | { cleared: ClearedWrite } | { ignored: ClearedWrite },
): OutgoingMessage {
  const base = {
    eventId: randomUUID(),
    type: FAILED_WRITE_CHANGED,
    occurredAt: new Date().toISOString(),
    reportedBy,
  } as const;
  let event: FailedWriteChanged;
  if ('failed' in change) {
    const f = change.failed;
    event = {
      ...base,
      connectionId: f.connectionId,
      linkId: f.linkId,
      side: f.side,
      salesConnectTaskId: f.salesConnectTaskId,
      sfdcTaskId: f.sfdcTaskId,
      subject: f.subject,
      state: 'failed',
      kind: f.kind,
      code: f.code,
      reason: f.reason,
      attempts: f.attempts,
      firstFailedAt: f.firstFailedAt.toISOString(),
      nextRetryAt: f.nextRetryAt?.toISOString() ?? null,
    };
  } else if ('ignored' in change) {
    const c = change.ignored;
    event = {
      ...base,
      connectionId: c.connectionId,
      linkId: c.linkId,
      side: c.side,
      salesConnectTaskId: null,
      sfdcTaskId: null,
      state: 'ignored',
    };
  } else {
    const c = change.cleared;
    event = {
      ...base,
      connectionId: c.connectionId,
      linkId: c.linkId,
      side: c.side,
      salesConnectTaskId: null,
      sfdcTaskId: null,
      state: 'cleared',
    };
  }
  return {
    topic: KAFKA_TOPICS.connectionStatus,
    key: buildMessageKey(event.connectionId),
    value: encodeEvent(FAILED_WRITE_CHANGED, event),
    eventId: event.eventId,
    eventType: FAILED_WRITE_CHANGED,
  };
}
