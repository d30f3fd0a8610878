import { decodeEvent, KAFKA_TOPICS, MESSAGE_HEADERS } from '@task-sync/contracts';
import type { TaskRecord } from '../salesforce/soql';
import { buildSfdcDeleteEvent, buildSfdcUpsertEvent, toOutgoingMessage } from './sfdc-change.events';

const record = (overrides: Partial<TaskRecord> = {}): TaskRecord => ({
  Id: '00T000000000001EAA',
  Subject: 'Call back',
  Description: null,
  ActivityDate: '2026-11-25',
  Status: 'In Progress',
  IsClosed: false,
  Priority: 'Low',
  TaskSubtype: 'Call',
  WhoId: '003000000000001AAA',
  OwnerId: '005000000000001AAA',
  SalesConnect_Task_Id__c: 'sct_1',
  CreatedDate: '2026-11-24T09:00:00.000+0000',
  LastModifiedDate: '2026-11-24T10:00:00.000+0000',
  SystemModstamp: '2026-11-24T10:00:00.000+0000',
  IsDeleted: false,
  ...overrides,
});

describe('sfdc-task-changed events', () => {
  it('carries the mapped fields, the SystemModstamp as the change time, and the enable of an import', () => {
    const enableAt = new Date('2026-11-24T12:00:00Z');
    const event = buildSfdcUpsertEvent('conn-1', record(), 'ana@example.com', 'import', enableAt);
    expect(event).toMatchObject({
      connectionId: 'conn-1',
      kind: 'upsert',
      taskId: '00T000000000001EAA',
      fields: { title: 'Call back', details: '', dueDate: '2026-11-25', open: true, priority: null, type: 'call', contactEmail: 'ana@example.com' },
      changedAt: '2026-11-24T10:00:00.000Z',
      createdAt: '2026-11-24T09:00:00.000Z',
      source: 'import',
      enableAt: '2026-11-24T12:00:00.000Z',
      externalId: 'sct_1',
    });
  });

  it('refuses a record whose ActivityDate is not a calendar date (counted as failed, never published shifted)', () => {
    expect(() => buildSfdcUpsertEvent('conn-1', record({ ActivityDate: '2026-11-25T00:00:00Z' as never }), null, 'live')).toThrow(/not a calendar date/);
  });

  it('is validated by the contract and keyed by connection and task, with the event id in a header', () => {
    const event = buildSfdcDeleteEvent('conn-1', '00T000000000001EAA', Date.UTC(2026, 10, 24, 11), 'reenable-deletes', new Date('2026-11-24T12:00:00Z'));
    const message = toOutgoingMessage(event);
    expect(message).toMatchObject({ topic: KAFKA_TOPICS.sfdcTaskChanges, key: 'conn-1:00T000000000001EAA', eventId: event.eventId });
    expect(decodeEvent(message.value, KAFKA_TOPICS.sfdcTaskChanges)).toEqual(event);
    expect(MESSAGE_HEADERS.eventId).toBe('event-id');
  });

  it('does not let an import without its enable onto the topic', () => {
    const event = buildSfdcUpsertEvent('conn-1', record(), null, 'import');
    expect(() => toOutgoingMessage(event)).toThrow(/enableAt/);
  });
});
