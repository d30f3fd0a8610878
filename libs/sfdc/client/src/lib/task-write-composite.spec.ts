import {
  buildTaskWriteComposite,
  compositeSubrequestsFor,
  readTaskWriteComposite,
  COMPOSITE_MAX_SUBREQUESTS,
  type TaskWriteBatch,
} from './task-write-composite';

const OPTIONS = { apiVersion: '62.0', clientName: 'task-sync' };
const STAMP = Date.parse('2026-03-02T10:15:30.000Z');
const batch = (over: Partial<TaskWriteBatch> = {}): TaskWriteBatch => ({
  upserts: [
    { externalId: 'sc-1', fields: { Subject: 'Call Ana', TaskSubtype: 'Call' } },
    { externalId: 'sc-2', fields: { Subject: 'Mail Bo' } },
  ],
  updates: [{ id: '00T000000000001AAA', fields: { Subject: 'renamed' }, unmodifiedSince: STAMP }],
  deletes: ['00T000000000002AAA', '00T000000000003AAA'],
  ...over,
});

describe("a flush's Salesforce writes as one Composite request", () => {
  it('upserts by the external-id field and deletes go as one sObject Collections subrequest each, allOrNone false, every subrequest naming our client', () => {
    const { request } = buildTaskWriteComposite(batch(), OPTIONS);
    expect(request.allOrNone).toBe(false);
    expect(request.compositeRequest.slice(0, 2)).toEqual([
      {
        method: 'PATCH',
        url: '/services/data/v62.0/composite/sobjects/Task/SalesConnect_Task_Id__c',
        referenceId: 'upserts',
        body: {
          allOrNone: false,
          records: [
            { attributes: { type: 'Task' }, Subject: 'Call Ana', TaskSubtype: 'Call', SalesConnect_Task_Id__c: 'sc-1' },
            { attributes: { type: 'Task' }, Subject: 'Mail Bo', SalesConnect_Task_Id__c: 'sc-2' },
          ],
        },
        httpHeaders: { 'Sforce-Call-Options': 'client=task-sync' },
      },
      {
        method: 'DELETE',
        url: '/services/data/v62.0/composite/sobjects?ids=00T000000000002AAA,00T000000000003AAA&allOrNone=false',
        referenceId: 'deletes',
        httpHeaders: { 'Sforce-Call-Options': 'client=task-sync' },
      },
    ]);
  });

  it('no write over an unread change: each update is a record PATCH sent If-Unmodified-Since the last change read (none read: any change holds it)', () => {
    const { request } = buildTaskWriteComposite(
      batch({
        updates: [
          ...batch().updates,
          { id: '00T000000000009AAA', fields: { Priority: 'High' }, unmodifiedSince: null },
        ],
      }),
      OPTIONS,
    );
    expect(request.compositeRequest.slice(2, -1)).toEqual([
      {
        method: 'PATCH',
        url: '/services/data/v62.0/sobjects/Task/00T000000000001AAA',
        referenceId: 'update0',
        body: { Subject: 'renamed' },
        httpHeaders: {
          'Sforce-Call-Options': 'client=task-sync',
          'If-Unmodified-Since': 'Mon, 02 Mar 2026 10:15:30 GMT',
        },
      },
      expect.objectContaining({
        referenceId: 'update1',
        httpHeaders: expect.objectContaining({ 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' }),
      }),
    ]);
  });

  it("within Composite's limits: at most 25 subrequests, 2 of them collections and 1 a query; updates past them wait for the next request", () => {
    const updates = Array.from({ length: 30 }, (_, i) => ({
      id: `00T0000000000${String(i).padStart(2, '0')}AAA`,
      fields: { Subject: `t${i}` },
      unmodifiedSince: STAMP,
    }));
    const sent = buildTaskWriteComposite(batch({ updates }), OPTIONS);
    expect(sent.request.compositeRequest).toHaveLength(COMPOSITE_MAX_SUBREQUESTS);
    expect(sent.updatesSent).toBe(22);
    expect(buildTaskWriteComposite(batch({ upserts: [], deletes: [], updates }), OPTIONS).updatesSent).toBe(24);
    const result = readTaskWriteComposite(batch({ updates }), sent, { compositeResponse: [] });
    expect(result.updates.slice(22)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('compositeSubrequestsFor counts the subrequests the request is built with, for every mix: what a gather waits to fill', () => {
    const ids = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(15 - prefix.length, '0')}AAA`);
    for (const updates of [0, 1, 5, 21, 22, 23, 24, 30])
      for (const upserts of [0, 1, 3])
        for (const deletes of [0, 1, 2]) {
          const built = buildTaskWriteComposite(
            {
              upserts: ids(upserts, 'sc-').map((externalId) => ({ externalId, fields: { Subject: 'x' } })),
              updates: ids(updates, '00T').map((id) => ({ id, fields: { Subject: 'y' }, unmodifiedSince: STAMP })),
              deletes: ids(deletes, '00U'),
            },
            OPTIONS,
          );
          expect([updates, upserts, deletes, compositeSubrequestsFor({ updates, upserts, deletes })]).toEqual([
            updates,
            upserts,
            deletes,
            built.request.compositeRequest.length,
          ]);
        }
    // 22 updates beside a create and a delete fill it; so do 24 alone.
    expect(compositeSubrequestsFor({ updates: 22, upserts: 5, deletes: 3 })).toBe(COMPOSITE_MAX_SUBREQUESTS);
    expect(compositeSubrequestsFor({ updates: 24, upserts: 0, deletes: 0 })).toBe(COMPOSITE_MAX_SUBREQUESTS);
    expect(compositeSubrequestsFor({ updates: 12, upserts: 6, deletes: 2 })).toBe(15);
  });

  it('an empty kind sends no subrequest for it', () => {
    const { request } = buildTaskWriteComposite(batch({ upserts: [], deletes: [] }), OPTIONS);
    expect(request.compositeRequest.map((s) => s.referenceId)).toEqual(['update0', 'stamps']);
    expect(
      buildTaskWriteComposite(batch({ upserts: [], updates: [] }), OPTIONS).request.compositeRequest.map(
        (s) => s.referenceId,
      ),
    ).toEqual(['deletes']);
  });

  it('maps each per-record result back to its write, by referenceId and position, whatever order the answer lists the subrequests in', () => {
    const b = batch();
    const sent = buildTaskWriteComposite(b, OPTIONS);
    const result = readTaskWriteComposite(b, sent, {
      compositeResponse: [
        { referenceId: 'update0', httpStatusCode: 204, body: null },
        {
          referenceId: 'deletes',
          httpStatusCode: 200,
          body: [
            { id: '00T000000000002AAA', success: true, errors: [] },
            { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] },
          ],
        },
        {
          referenceId: 'upserts',
          httpStatusCode: 200,
          body: [
            { id: '00T00000000000AAAA', success: true, created: true, errors: [] },
            {
              success: false,
              created: false,
              errors: [
                { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Subject too short', fields: ['Subject'] },
              ],
            },
          ],
        },
      ],
    });
    expect(result).toEqual({
      upserts: [
        { ok: true, id: '00T00000000000AAAA', created: true },
        { ok: false, errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Subject too short' },
      ],
      updates: [{ ok: true, id: '00T000000000001AAA' }],
      deletes: [
        { ok: true, id: '00T000000000002AAA', created: undefined },
        { ok: false, errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' },
      ],
      stamps: new Map(),
    });
  });

  it("reads each written task's SystemModstamp last, in the same request, by Id: the updates' own, the upserts' by reference to their results", () => {
    const b = batch({
      upserts: [
        { externalId: 'sc-1', fields: { Subject: 'x' } },
        { externalId: 'sc-2', fields: { Subject: 'y' } },
      ],
    });
    const sent = buildTaskWriteComposite(b, OPTIONS);
    const last = sent.request.compositeRequest.at(-1);
    expect(last).toEqual({
      method: 'GET',
      url: expect.stringMatching(/^\/services\/data\/v62\.0\/query\?q=SELECT%20/),
      referenceId: 'stamps',
    });
    // The references stay as written (Salesforce fills them in); the rest is encoded.
    expect(last?.url).toContain("'@{upserts[0].id}'%2C%20'@{upserts[1].id}'");
    expect(decodeURIComponent((last?.url ?? '').split('?q=')[1])).toBe(
      "SELECT Id, SystemModstamp FROM Task WHERE Id IN ('00T000000000001AAA', '@{upserts[0].id}', '@{upserts[1].id}')",
    );
    const result = readTaskWriteComposite(b, sent, {
      compositeResponse: [
        {
          referenceId: 'stamps',
          httpStatusCode: 200,
          body: {
            records: [
              { Id: '00T000000000001AAA', SystemModstamp: '2026-03-02T10:15:31.000+0000' },
              { Id: '00T00000000000AAAA', SystemModstamp: '2026-03-02T10:15:32.000+0000' },
            ],
          },
        },
      ],
    });
    expect(result.stamps).toEqual(
      new Map([
        ['00T000000000001', Date.parse('2026-03-02T10:15:31.000Z')],
        ['00T00000000000A', Date.parse('2026-03-02T10:15:32.000Z')],
      ]),
    );
    // A failed read costs only the stamps: the writes' outcomes stand.
    const failed = readTaskWriteComposite(b, sent, {
      compositeResponse: [
        { referenceId: 'update0', httpStatusCode: 204, body: null },
        { referenceId: 'stamps', httpStatusCode: 400, body: [{ errorCode: 'MALFORMED_QUERY', message: 'no' }] },
      ],
    });
    expect(failed.stamps.size).toBe(0);
    expect(failed.updates).toEqual([{ ok: true, id: '00T000000000001AAA' }]);
  });

  it('an update answered 412 was modified after the last change read: not written, marked so', () => {
    const b = batch({ upserts: [], deletes: [] });
    const sent = buildTaskWriteComposite(b, OPTIONS);
    const result = readTaskWriteComposite(b, sent, {
      compositeResponse: [
        {
          referenceId: 'update0',
          httpStatusCode: 412,
          body: [{ errorCode: 'PRECONDITION_FAILED', message: 'modified since' }],
        },
      ],
    });
    expect(result.updates).toEqual([
      { ok: false, modifiedSince: true, errorCode: 'PRECONDITION_FAILED', message: 'modified since' },
    ]);
  });

  it('a subrequest that failed as a whole gives its error to each of its records; a missing answer is NO_RESULT (retried)', () => {
    const b = batch();
    const sent = buildTaskWriteComposite(b, OPTIONS);
    const result = readTaskWriteComposite(b, sent, {
      compositeResponse: [
        { referenceId: 'upserts', httpStatusCode: 400, body: [{ errorCode: 'UNABLE_TO_LOCK_ROW', message: 'locked' }] },
        {
          referenceId: 'update0',
          httpStatusCode: 404,
          body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
        },
      ],
    });
    expect(result.upserts).toEqual([
      { ok: false, errorCode: 'UNABLE_TO_LOCK_ROW', message: 'locked' },
      { ok: false, errorCode: 'UNABLE_TO_LOCK_ROW', message: 'locked' },
    ]);
    expect(result.updates).toEqual([
      { ok: false, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
    expect(result.deletes.map((r) => r.errorCode)).toEqual(['NO_RESULT', 'NO_RESULT']);
  });
});
