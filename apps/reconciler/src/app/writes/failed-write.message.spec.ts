import { FAILED_WRITE_CHANGED, KAFKA_TOPICS, buildMessageKey, decodeEvent } from '@task-sync/contracts';
import { buildFailedWriteMessage } from './failed-write.message';

const write = { connectionId: 'conn-1', linkId: 'link-1', side: 'sfdc' } as const;
const envelope = { eventId: expect.any(String), type: FAILED_WRITE_CHANGED, occurredAt: expect.any(String) };

describe('buildFailedWriteMessage: a task failed state on the status topic, keyed by its connection', () => {
  it('a failed write carries the refusal, its tries and the next one', () => {
    const message = buildFailedWriteMessage('reconciler', {
      failed: {
        ...write,
        kind: 'update',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        reason: 'Subject is required',
        attempts: 2,
        firstFailedAt: new Date('2026-03-01T10:00:00.000Z'),
        nextRetryAt: null,
        salesConnectTaskId: 'sc-1',
        sfdcTaskId: '00T1',
        subject: 'Call Ana',
      },
    });
    expect(message).toMatchObject({
      topic: KAFKA_TOPICS.connectionStatus,
      eventType: FAILED_WRITE_CHANGED,
      eventId: expect.any(String),
    });
    expect(decodeEvent(message.value)).toEqual({
      ...envelope,
      eventId: message.eventId,
      reportedBy: 'reconciler',
      ...write,
      state: 'failed',
      salesConnectTaskId: 'sc-1',
      sfdcTaskId: '00T1',
      subject: 'Call Ana',
      kind: 'update',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      reason: 'Subject is required',
      attempts: 2,
      firstFailedAt: '2026-03-01T10:00:00.000Z',
      nextRetryAt: null,
    });
  });

  it.each(['cleared', 'ignored'] as const)('%s: the message names only the pair and the side', (state) => {
    const change = state === 'cleared' ? { cleared: write } : { ignored: write };
    const message = buildFailedWriteMessage('reconciler', change);
    expect(decodeEvent(message.value)).toEqual({
      ...envelope,
      reportedBy: 'reconciler',
      ...write,
      salesConnectTaskId: null,
      sfdcTaskId: null,
      state,
    });
  });

  it('is keyed by the connection, so it stays in order with its status', () => {
    expect(buildFailedWriteMessage('reconciler', { ignored: { ...write, linkId: 'link-2' } }).key).toEqual(
      buildMessageKey('conn-1'),
    );
  });
});
