import { decodeEvent, KAFKA_TOPICS, MessageDecodeError } from '@task-sync/contracts';
import { buildChange } from '../testing/salesconnect-change.fixture';
import { deriveEventId, mapChangeToMessage, mapChangeToTaskChangedEvent } from './task-changed-event.mapper';

describe('a Sales Connect change as a salesconnect-task-changed event', () => {
  it.each([
    ['created', 'upsert', true],
    ['updated', 'upsert', true],
    ['completed', 'upsert', false],
    ['reopened', 'upsert', true],
    ['deleted', 'delete', null],
  ] as const)('%s → kind %s', (type, kind, open) => {
    const status = open === false ? 'Complete' : 'Open';
    const change = buildChange({
      type,
      task: { status, ...(type === 'deleted' ? { deletedAt: '2026-11-24T10:05:00.000Z' } : {}) },
    });
    const event = mapChangeToTaskChangedEvent(change, 'conn-1');
    expect(event).toMatchObject({
      kind,
      connectionId: 'conn-1',
      taskId: 'sct_1',
      source: 'live',
      origin: 'salesconnect-ui',
    });
    expect(event.fields === null ? null : event.fields.open).toBe(open);
  });

  it('carries the mapped fields, the change time, the task’s creation time (what R3 is judged on) and its version (what a write sends back in If-Match)', () => {
    const event = mapChangeToTaskChangedEvent(
      buildChange({ origin: 'task-sync', occurredAt: '2026-11-24T11:00:00.000Z', task: { version: 7 } }),
      'conn-1',
    );
    expect(event).toMatchObject({
      fields: {
        title: 'Call Ana',
        details: 'pricing',
        dueDate: '2026-11-25',
        open: true,
        priority: 'high',
        type: 'call',
        contactEmail: 'ana@example.com',
      },
      changedAt: '2026-11-24T11:00:00.000Z',
      occurredAt: '2026-11-24T11:00:00.000Z',
      createdAt: '2026-11-24T10:00:00.000Z',
      origin: 'task-sync',
      version: 7,
    });
  });

  it('is a message the contract accepts on its topic, keyed by connection and task, with the event id', () => {
    const message = mapChangeToMessage(buildChange({ taskId: 'sct_9' }), 'conn-7');
    expect(message).toMatchObject({
      topic: KAFKA_TOPICS.salesconnectTaskChanges,
      key: 'conn-7:sct_9',
      eventType: 'salesconnect-task-changed',
    });
    const decoded = decodeEvent(message.value, KAFKA_TOPICS.salesconnectTaskChanges);
    expect(decoded.eventId).toBe(message.eventId);
  });

  it('says whether the change came by webhook or from the change feed (for the task timeline)', () => {
    for (const via of ['webhook', 'feed'] as const) {
      expect(
        decodeEvent(mapChangeToMessage(buildChange(), 'conn-1', via).value, KAFKA_TOPICS.salesconnectTaskChanges),
      ).toMatchObject({ via });
    }
  });

  it('refuses to publish what the contract would reject', () => {
    const change = buildChange();
    expect(() => mapChangeToMessage({ ...change, occurredAt: 'yesterday' }, 'conn-1')).toThrow(MessageDecodeError);
  });

  describe('event ids', () => {
    const change = buildChange({ sequence: 42 });

    it('are the same for the same change and connection, so a second publish is a duplicate consumers drop', () => {
      expect(deriveEventId('conn-1', change)).toBe(deriveEventId('conn-1', { ...change }));
      expect(deriveEventId('conn-1', change)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });

    it.each([
      ['another connection', 'conn-2', change],
      ['another sequence', 'conn-1', { ...change, sequence: 43 }],
      ['another task under the same sequence (a reset feed)', 'conn-1', { ...change, taskId: 'sct_2' }],
      [
        'another time under the same sequence (a reset feed)',
        'conn-1',
        { ...change, occurredAt: '2026-11-25T00:00:00.000Z' },
      ],
    ])('differ for %s', (_label, connectionId, other) => {
      expect(deriveEventId(connectionId, other)).not.toBe(deriveEventId('conn-1', change));
    });
  });
});
