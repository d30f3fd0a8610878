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

type FailedWriteChange = { failed: FailedWriteState } | { cleared: ClearedWrite } | { ignored: ClearedWrite };

function stateOf(change: FailedWriteChange): [FailedWriteChanged['state'], ClearedWrite] {
  if ('failed' in change) return ['failed', change.failed];
  if ('ignored' in change) return ['ignored', change.ignored];
  return ['cleared', change.cleared];
}

/** What only a failed write tells: the tasks, the refusal, how many tries failed and the next one. */
function failureOf(
  f: FailedWriteState,
): Pick<
  FailedWriteChanged,
  | 'salesConnectTaskId'
  | 'sfdcTaskId'
  | 'subject'
  | 'kind'
  | 'code'
  | 'reason'
  | 'attempts'
  | 'firstFailedAt'
  | 'nextRetryAt'
> {
  return {
    salesConnectTaskId: f.salesConnectTaskId,
    sfdcTaskId: f.sfdcTaskId,
    subject: f.subject,
    kind: f.kind,
    code: f.code,
    reason: f.reason,
    attempts: f.attempts,
    firstFailedAt: f.firstFailedAt.toISOString(),
    nextRetryAt: f.nextRetryAt?.toISOString() ?? null,
  };
}

/** A task's failed state, set or cleared, as a message on the status topic keyed by its connection (in order with its status). */
export function buildFailedWriteMessage(reportedBy: string, change: FailedWriteChange): OutgoingMessage {
  const [state, write] = stateOf(change);
  const event: FailedWriteChanged = {
    eventId: randomUUID(),
    type: FAILED_WRITE_CHANGED,
    occurredAt: new Date().toISOString(),
    reportedBy,
    connectionId: write.connectionId,
    linkId: write.linkId,
    side: write.side,
    salesConnectTaskId: null,
    sfdcTaskId: null,
    state,
    ...('failed' in change ? failureOf(change.failed) : {}),
  };
  return {
    topic: KAFKA_TOPICS.connectionStatus,
    key: buildMessageKey(event.connectionId),
    value: encodeEvent(FAILED_WRITE_CHANGED, event),
    eventId: event.eventId,
    eventType: FAILED_WRITE_CHANGED,
  };
}
