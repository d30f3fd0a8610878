import { randomUUID } from 'node:crypto';
import { decodeEvent, encodeEvent, TOPIC_EVENT_TYPES, tryDecodeEvent } from './codec';
import { MessageDecodeError } from './decode-error';
import { TASK_SYNC_SETTING_CHANGED, TaskSyncSettingChanged } from './events/task-sync-setting-changed.event';
import { KAFKA_TOPICS, listTopicSpecs } from './topics';

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

  it('refuses to encode an invalid event', () => {
    expect(() => encodeEvent(TASK_SYNC_SETTING_CHANGED, { ...validEvent(), eventId: 'nope' })).toThrow(MessageDecodeError);
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
