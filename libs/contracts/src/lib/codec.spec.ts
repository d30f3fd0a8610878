import { randomUUID } from 'node:crypto';
import { decodeEvent, encodeEvent, TOPIC_EVENT_TYPES, tryDecodeEvent } from './codec';
import { MessageDecodeError } from './decode-error';
import { TASK_SYNC_SETTING_CHANGED, TaskSyncSettingChanged } from './events/task-sync-setting-changed.event';
import { KAFKA_TOPICS, listTopicSpecs } from './topics';
import { FAILED_WRITE_CHANGED, FailedWriteChanged } from './events/failed-write-changed.event';
import { DEAD_LETTER_REPLAYED, DeadLetterReplayed } from './events/dead-letter.event';

const validEvent = (): TaskSyncSettingChanged => ({
  eventId: randomUUID(),
  type: TASK_SYNC_SETTING_CHANGED,
  occurredAt: '2026-11-24T10:00:00.000Z',
  tenantId: 'acme',
  userId: 'user-1',
  connectionId: 'conn-1',
  enabled: true,
  kind: 'first-enable',
  changedAt: '2026-11-24T10:00:00.000Z',
  timeZone: 'America/Los_Angeles',
});

function decodeError(value: string | null): MessageDecodeError {
  const result = tryDecodeEvent(value);
  if (result.ok) throw new Error('expected a MessageDecodeError');
  return result.error;
}

describe('event codec', () => {
  it('round-trips a valid event', () => {
    const event = validEvent();
    expect(decodeEvent(encodeEvent(TASK_SYNC_SETTING_CHANGED, event))).toEqual(event);
  });

  it.each([
    ['no value', null, 'NOT_JSON'],
    ['not JSON', '{oops', 'NOT_JSON'],
    ['a JSON array', '[]', 'UNKNOWN_EVENT_TYPE'],
    ['an unknown type', JSON.stringify({ type: 'task-exploded' }), 'UNKNOWN_EVENT_TYPE'],
  ])('rejects %s with a typed error', (_label, value, code) => {
    expect(decodeError(value).code).toBe(code);
  });

  it("carries the connection's Salesforce org and user, and still decodes an event published before they were added", () => {
    const event = { ...validEvent(), sfdcOrgId: '00D000000000001AAA', sfdcUserId: '005000000000001AAA' };
    expect(decodeEvent(encodeEvent(TASK_SYNC_SETTING_CHANGED, event))).toEqual(event);
    const older = decodeEvent(encodeEvent(TASK_SYNC_SETTING_CHANGED, validEvent())) as TaskSyncSettingChanged;
    expect(older.sfdcOrgId).toBeUndefined();
    expect(decodeError(JSON.stringify({ ...validEvent(), sfdcOrgId: '' })).details).toMatch(/sfdcOrgId/);
  });

  it('names the field that is wrong', () => {
    const error = decodeError(JSON.stringify({ ...validEvent(), timeZone: 42 }));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.details).toMatch(/timeZone/);
  });

  it('rejects unknown fields', () => {
    expect(decodeError(JSON.stringify({ ...validEvent(), extra: 1 })).code).toBe('INVALID_EVENT');
  });

  it('rejects a disable that says enabled', () => {
    const error = decodeError(JSON.stringify({ ...validEvent(), kind: 'disable', enabled: true }));
    expect(error.details).toMatch(/enabled/);
  });

  it('rejects a valid event on a topic that does not carry its type', () => {
    const value = encodeEvent(TASK_SYNC_SETTING_CHANGED, validEvent());
    expect(decodeEvent(value, KAFKA_TOPICS.settingsChanges).type).toBe(TASK_SYNC_SETTING_CHANGED);
    const result = tryDecodeEvent(value, KAFKA_TOPICS.deadLetter);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('UNEXPECTED_EVENT_TYPE');
  });

  it('lists the event types of every topic', () => {
    expect(Object.keys(TOPIC_EVENT_TYPES).sort()).toEqual(Object.values(KAFKA_TOPICS).sort());
  });

  it("carries a task's failed write, set and cleared, on the status topic", () => {
    const failed: FailedWriteChanged = {
      eventId: randomUUID(),
      type: FAILED_WRITE_CHANGED,
      occurredAt: '2026-12-05T10:00:00.000Z',
      connectionId: 'conn-1',
      reportedBy: 'reconciler',
      linkId: randomUUID(),
      side: 'sfdc',
      salesConnectTaskId: 'sct_1',
      sfdcTaskId: null,
      state: 'failed',
      kind: 'create',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      reason: 'refused',
      attempts: 1,
      firstFailedAt: '2026-12-05T10:00:00.000Z',
      nextRetryAt: '2026-12-05T10:30:00.000Z',
    };
    expect(decodeEvent(encodeEvent(FAILED_WRITE_CHANGED, failed), KAFKA_TOPICS.connectionStatus)).toEqual(failed);
    const cleared = {
      ...failed,
      state: 'cleared' as const,
      kind: undefined,
      code: undefined,
      reason: undefined,
      attempts: undefined,
      firstFailedAt: undefined,
      nextRetryAt: undefined,
    };
    expect(
      decodeEvent(
        encodeEvent(FAILED_WRITE_CHANGED, JSON.parse(JSON.stringify(cleared))),
        KAFKA_TOPICS.connectionStatus,
      ),
    ).toMatchObject({ state: 'cleared' });
    expect(tryDecodeEvent(encodeEvent(FAILED_WRITE_CHANGED, failed), KAFKA_TOPICS.deadLetter).ok).toBe(false);
  });

  it("carries a dead letter's replay record on the dead-letter topic", () => {
    const replayed: DeadLetterReplayed = {
      eventId: randomUUID(),
      type: DEAD_LETTER_REPLAYED,
      occurredAt: '2026-12-05T10:00:00.000Z',
      deadLetterEventId: randomUUID(),
      topic: KAFKA_TOPICS.connectionStatus,
      partition: 3,
      offset: '12',
      replayedBy: 'ops-cli',
    };
    expect(decodeEvent(encodeEvent(DEAD_LETTER_REPLAYED, replayed), KAFKA_TOPICS.deadLetter)).toEqual(replayed);
  });

  it('refuses to encode an invalid event', () => {
    expect(() => encodeEvent(TASK_SYNC_SETTING_CHANGED, { ...validEvent(), eventId: 'nope' })).toThrow(
      MessageDecodeError,
    );
  });
});

describe('topics', () => {
  it('are versioned and listed once each', () => {
    const names = listTopicSpecs(3).map((t) => t.topic);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(Object.values(KAFKA_TOPICS).sort());
    for (const name of names) expect(name).toMatch(/\.v\d+$/);
  });
});
