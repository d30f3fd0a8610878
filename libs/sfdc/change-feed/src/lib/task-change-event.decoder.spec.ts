import { ChangeFeedError, ChangeFeedErrorCode } from './change-feed.error';
import { CHANGE_TYPES, type ChangeType, type TaskChangeEvent } from './change-feed.port';
import { decodeCometdTaskChangeEvent, parseOriginClient } from './task-change-event.decoder';

const TASK = '00T000000000001EAA';
const OTHER = '00T000000000002EAA';
const USER = '005000000000001AAA';
const OWNER = '005000000000009AAA';

/** A CometD change event as Salesforce sends it (`data` of the /data/TaskChangeEvent message). */
function cometdEvent(
  changeType: ChangeType,
  body: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schema: 'sSjPgyJ4v0-lWqP8wgEXJQ',
    payload: {
      ChangeEventHeader: {
        entityName: 'Task',
        recordIds: [TASK],
        changeType,
        changeOrigin: 'com/salesforce/api/rest/62.0;client=task-sync',
        transactionKey: '0002343d-9d90-e395-ed20-cf416ba652ad',
        sequenceNumber: 1,
        commitTimestamp: 1764000031000,
        commitNumber: 10716768557370,
        commitUser: USER,
        nulledFields: [],
        diffFields: [],
        changedFields: [],
        ...header,
      },
      ...body,
    },
    event: { replayId: 41 },
  };
}

function decoded(raw: unknown): TaskChangeEvent {
  const result = decodeCometdTaskChangeEvent(raw);
  if (!result.ok) throw result.error;
  return result.event;
}

function failure(raw: unknown): ChangeFeedError {
  const result = decodeCometdTaskChangeEvent(raw);
  if (result.ok) throw new Error('expected a malformed event');
  return result.error;
}

const FULL_BODY = {
  Subject: 'Call Ann',
  Status: 'Not Started',
  OwnerId: OWNER,
  ActivityDate: '2026-11-24',
  CreatedDate: '2026-11-24T10:00:31Z',
};

describe('decoding a CometD Task change event', () => {
  it.each<[ChangeType, Record<string, unknown>, Partial<TaskChangeEvent>]>([
    ['CREATE', FULL_BODY, { fields: FULL_BODY, ownerId: OWNER }],
    ['UNDELETE', FULL_BODY, { fields: FULL_BODY, ownerId: OWNER }],
    [
      'UPDATE',
      { Subject: 'Call Ann back', LastModifiedDate: '2026-11-24T10:05:00Z' },
      { fields: { Subject: 'Call Ann back', LastModifiedDate: '2026-11-24T10:05:00Z' }, ownerId: null },
    ],
    ['DELETE', {}, { fields: {}, ownerId: null }],
    // Salesforce sends gap events with every field null: nothing to read there, not even "no owner".
    ['GAP_CREATE', { Subject: null, OwnerId: null }, { fields: {}, ownerId: null }],
    ['GAP_UPDATE', { Subject: null, OwnerId: null }, { fields: {}, ownerId: null }],
    ['GAP_DELETE', {}, { fields: {}, ownerId: null }],
    ['GAP_UNDELETE', {}, { fields: {}, ownerId: null }],
  ])('%s: the header, and the fields the event carries', (changeType, body, expected) => {
    expect(decoded(cometdEvent(changeType, body))).toEqual({
      replayId: 41,
      changeType,
      recordIds: [TASK],
      commitTimestamp: 1764000031000,
      commitUser: USER,
      transactionKey: '0002343d-9d90-e395-ed20-cf416ba652ad',
      sequenceNumber: 1,
      changeOrigin: 'com/salesforce/api/rest/62.0;client=task-sync',
      originClient: 'task-sync',
      changedFields: [],
      nulledFields: [],
      ...expected,
    });
  });

  it('covers every change type Change Data Capture has', () => {
    for (const changeType of CHANGE_TYPES)
      expect(
        decodeCometdTaskChangeEvent(cometdEvent(changeType, {}, changeType === 'GAP_OVERFLOW' ? { recordIds: [] } : {}))
          .ok,
      ).toBe(true);
  });

  it('UPDATE: names what changed and what was nulled; OwnerId only when the owner changed', () => {
    const event = decoded(
      cometdEvent(
        'UPDATE',
        { OwnerId: OWNER, Description: null, LastModifiedDate: '2026-11-24T10:05:00Z' },
        { changedFields: ['OwnerId', 'Description', 'LastModifiedDate'], nulledFields: ['Description'] },
      ),
    );
    expect(event).toMatchObject({
      ownerId: OWNER,
      changedFields: ['OwnerId', 'Description', 'LastModifiedDate'],
      nulledFields: ['Description'],
      fields: { Description: null },
    });
    expect(event.fields).not.toHaveProperty('ChangeEventHeader');
  });

  it('one event for several records changed the same way in one transaction', () => {
    expect(decoded(cometdEvent('UPDATE', { Status: 'Completed' }, { recordIds: [TASK, OTHER] })).recordIds).toEqual([
      TASK,
      OTHER,
    ]);
  });

  it("GAP_OVERFLOW names no record: Salesforce's empty record id 000000000000000AAA is dropped", () => {
    expect(
      decoded(cometdEvent('GAP_OVERFLOW', {}, { recordIds: ['000000000000000AAA'], changeOrigin: '' })),
    ).toMatchObject({ changeType: 'GAP_OVERFLOW', recordIds: [], originClient: null });
    expect(decoded(cometdEvent('GAP_OVERFLOW', {}, { recordIds: [] })).recordIds).toEqual([]);
  });

  it('older API versions without changedFields / nulledFields decode with empty lists', () => {
    const raw = cometdEvent('UPDATE', { Subject: 'x' });
    const header = (raw.payload as { ChangeEventHeader: Record<string, unknown> }).ChangeEventHeader;
    delete header.changedFields;
    delete header.nulledFields;
    expect(decoded(raw)).toMatchObject({ changedFields: [], nulledFields: [] });
  });

  it.each([
    ['com/salesforce/api/rest/62.0;client=task-sync', 'task-sync'],
    ['com/salesforce/api/soap/58.0;client=SfdcInternalAPI/', 'SfdcInternalAPI/'],
    ['com/salesforce/api/rest/62.0', null],
    ['com/salesforce/api/rest/62.0;client=', null],
    ['', null],
    ['com/salesforce/api/rest/62.0; client=a=b', 'a=b'],
  ])('the origin client of %j is %j', (changeOrigin, client) => {
    expect(parseOriginClient(changeOrigin)).toBe(client);
    expect(decoded(cometdEvent('CREATE', FULL_BODY, { changeOrigin })).originClient).toBe(client);
  });

  it.each<[string, (raw: Record<string, unknown>) => unknown, RegExp]>([
    ['no header', (raw) => ({ ...raw, payload: { Subject: 'x' } }), /ChangeEventHeader/],
    ['an unknown change type', (raw) => withHeader(raw, { changeType: 'MERGE' }), /changeType/],
    ['another entity', (raw) => withHeader(raw, { entityName: 'Account' }), /entityName/],
    [
      'a record id that is not one',
      (raw) => withHeader(raw, { recordIds: ["00T' OR Id != '"] }),
      /not a Salesforce id/,
    ],
    ['no commit time', (raw) => withHeader(raw, { commitTimestamp: '2026-11-24' }), /commitTimestamp/],
    ['no replay id', (raw) => ({ ...raw, event: {} }), /replayId/],
    ['not an object', () => 'CREATE 00T', /expected object/],
    ['a CREATE without a record', (raw) => withHeader(raw, { recordIds: [] }), /CREATE event names no record/],
  ])('reports %s as MALFORMED_EVENT, with the event as received', (_what, spoil, message) => {
    const raw = spoil(cometdEvent('CREATE', FULL_BODY));
    const error = failure(raw);
    expect(error).toBeInstanceOf(ChangeFeedError);
    expect(error.code).toBe(ChangeFeedErrorCode.MalformedEvent);
    expect(error.handling).toBe('skip-event');
    expect(error.message).toMatch(message);
    expect(error.raw).toBe(raw);
  });

  it('keeps the replay id of a malformed event when it has one, so the caller can step over it', () => {
    expect(failure(withHeader(cometdEvent('CREATE'), { changeType: 'MERGE' })).replayId).toBe(41);
    expect(failure({ payload: {} }).replayId).toBeUndefined();
  });
});

function withHeader(raw: Record<string, unknown>, header: Record<string, unknown>): Record<string, unknown> {
  const payload = raw.payload as { ChangeEventHeader: Record<string, unknown> };
  return { ...raw, payload: { ...payload, ChangeEventHeader: { ...payload.ChangeEventHeader, ...header } } };
}
