import { buildTaskRecord } from '@task-sync/sfdc-client/testing';
import { decodeEvent, KAFKA_TOPICS, MESSAGE_HEADERS, type SfdcTaskChanged } from '@task-sync/contracts';
import { DELETED, fingerprintOf } from './published-change.repository';
import { buildReadMessages, buildSfdcDeleteEvent, buildSfdcUpsertEvent, toOutgoingMessage } from './sfdc-change.events';

describe('sfdc-task-changed events', () => {
  it('carries the mapped fields, the SystemModstamp as the change time, and the enable of an import', () => {
    const enableAt = new Date('2026-11-24T12:00:00Z');
    const event = buildSfdcUpsertEvent('conn-1', buildTaskRecord(), 'ana@example.com', 'import', enableAt);
    expect(event).toMatchObject({
      connectionId: 'conn-1',
      kind: 'upsert',
      taskId: '00T000000000001EAA',
      fields: {
        title: 'Call back',
        details: '',
        dueDate: '2026-11-25',
        open: true,
        priority: null,
        type: 'call',
        contactEmail: 'ana@example.com',
      },
      changedAt: '2026-11-24T10:00:00.000Z',
      createdAt: '2026-11-24T09:00:00.000Z',
      source: 'import',
      enableAt: '2026-11-24T12:00:00.000Z',
      externalId: 'sct_1',
      // The owner as read: the reconciler judges R8 (reassigned away) on it.
      ownerId: '005000000000001AAA',
    });
  });

  it('refuses a record whose ActivityDate is not a calendar date (counted as failed, never published shifted)', () => {
    expect(() =>
      buildSfdcUpsertEvent('conn-1', buildTaskRecord({ ActivityDate: '2026-11-25T00:00:00Z' as never }), null, 'live'),
    ).toThrow(/not a calendar date/);
  });

  it('is validated by the contract and keyed by connection and task, with the event id in a header', () => {
    const event = buildSfdcDeleteEvent(
      'conn-1',
      '00T000000000001EAA',
      Date.UTC(2026, 10, 24, 11),
      'reenable-deletes',
      new Date('2026-11-24T12:00:00Z'),
    );
    const message = toOutgoingMessage(event);
    expect(message).toMatchObject({
      topic: KAFKA_TOPICS.sfdcTaskChanges,
      key: 'conn-1:00T000000000001EAA',
      eventId: event.eventId,
    });
    expect(decodeEvent(message.value, KAFKA_TOPICS.sfdcTaskChanges)).toEqual(event);
    expect(MESSAGE_HEADERS.eventId).toBe('event-id');
  });

  it('does not let an import without its enable onto the topic', () => {
    const event = buildSfdcUpsertEvent('conn-1', buildTaskRecord(), null, 'import');
    expect(() => toOutgoingMessage(event)).toThrow(/enableAt/);
  });

  it("a change event's commit time, when known, is the change's time to the millisecond; else SystemModstamp's whole second", () => {
    const record = buildTaskRecord({ SystemModstamp: '2026-11-24T10:00:05.000+0000' });
    const built = (madeAt?: number) =>
      decodeEvent(
        buildReadMessages('conn-1', [record], new Map(), 'live', { madeAtOf: () => madeAt ?? null }).messages[0].value,
        KAFKA_TOPICS.sfdcTaskChanges,
      ) as SfdcTaskChanged;
    expect(built(Date.parse('2026-11-24T10:00:05.640Z')).changedAt).toBe('2026-11-24T10:00:05.640Z');
    expect(built().changedAt).toBe('2026-11-24T10:00:05.000Z');
  });

  it('turns records as read into messages: an upsert each (with the origin when known), a delete for a deleted one, and what to remember of each', () => {
    const emails = new Map([['003000000000001AAA', 'ana@example.com']]);
    const deleted = buildTaskRecord({
      Id: '00T000000000002EAA',
      IsDeleted: true,
      SystemModstamp: '2026-11-24T10:00:07.000+0000',
    });
    const unmappable = buildTaskRecord({ Id: '00T000000000003EAA', ActivityDate: 'soon' as never });
    const built = buildReadMessages('conn-1', [buildTaskRecord(), deleted, unmappable], emails, 'live', {
      originOf: (r) => (r.Id === '00T000000000001EAA' ? 'task-sync' : null),
    });
    const events = built.messages.map((m) => decodeEvent(m.value, KAFKA_TOPICS.sfdcTaskChanges));
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'upsert',
        taskId: '00T000000000001EAA',
        origin: 'task-sync',
        fields: expect.objectContaining({ contactEmail: 'ana@example.com' }),
      }),
      expect.objectContaining({
        kind: 'delete',
        taskId: '00T000000000002EAA',
        origin: null,
        changedAt: '2026-11-24T10:00:07.000Z',
      }),
    ]);
    expect(built.deletes).toBe(1);
    expect(built.published).toEqual([
      {
        taskId: '00T000000000001EAA',
        stamp: Date.parse('2026-11-24T10:00:00Z'),
        fingerprint: fingerprintOf(buildTaskRecord()),
      },
      { taskId: '00T000000000002EAA', stamp: Date.parse('2026-11-24T10:00:07Z'), fingerprint: DELETED },
    ]);
    expect(built.unmappable).toEqual([{ record: unmappable, reason: expect.stringContaining('not a calendar date') }]);
  });

  it('says how a live change was read (the stream or a poll), on upserts and deletes alike', () => {
    const deleted = buildTaskRecord({ Id: '00T000000000002EAA', IsDeleted: true });
    for (const via of ['stream', 'poll'] as const) {
      const built = buildReadMessages('conn-1', [buildTaskRecord(), deleted], new Map(), 'live', { via });
      expect(
        built.messages.map((m) => (decodeEvent(m.value, KAFKA_TOPICS.sfdcTaskChanges) as SfdcTaskChanged).via),
      ).toEqual([via, via]);
    }
    expect(
      (
        decodeEvent(
          buildReadMessages('conn-1', [buildTaskRecord()], new Map(), 'live').messages[0].value,
          KAFKA_TOPICS.sfdcTaskChanges,
        ) as SfdcTaskChanged
      ).via,
    ).toBeUndefined();
  });

  it("skips a recurring series' master (IsRecurrence) on every read path, edits and deletes alike; its occurrences go as tasks of their own", () => {
    const master = buildTaskRecord({ Id: '00T000000000004EAA', IsRecurrence: true });
    const masterDeleted = buildTaskRecord({ Id: '00T000000000005EAA', IsRecurrence: true, IsDeleted: true });
    const occurrence = buildTaskRecord({ Id: '00T000000000006EAA', IsRecurrence: false });
    const built = buildReadMessages('conn-1', [master, masterDeleted, occurrence], new Map(), 'import', {
      enableAt: new Date('2026-11-24T12:00:00Z'),
    });
    expect(
      built.messages.map((m) => (decodeEvent(m.value, KAFKA_TOPICS.sfdcTaskChanges) as { taskId: string }).taskId),
    ).toEqual(['00T000000000006EAA']);
    expect(built.published.map((p) => p.taskId)).toEqual(['00T000000000006EAA']);
    expect([built.deletes, built.unmappable]).toEqual([0, []]);
  });

  it('fingerprints a by-id read (which adds LastModifiedById) as the poll read of the same state', () => {
    expect(
      fingerprintOf({ attributes: { url: '/by-id' }, ...buildTaskRecord(), LastModifiedById: '005000000000001AAA' }),
    ).toBe(fingerprintOf({ attributes: { url: '/poll' }, ...buildTaskRecord() }));
    expect(fingerprintOf(buildTaskRecord({ Subject: 'other' }))).not.toBe(fingerprintOf(buildTaskRecord()));
  });
});
