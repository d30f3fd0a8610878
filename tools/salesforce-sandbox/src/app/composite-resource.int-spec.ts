import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';
import type { ChangeEventData } from './change-events/change-event';

interface SubrequestResult<B = unknown> {
  body: B;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string | null;
}
interface CompositeResponse {
  compositeResponse: SubrequestResult[];
}
interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}
type ErrorBody = { errorCode: string; message: string; fields?: string[] }[];

const DAY = 24 * 3_600_000;
const T0 = Date.parse('2026-11-24T12:00:00.000Z');
const V = 'v62.0';
const api = (path: string): string => `/services/data/${V}${path}`;

/** The Composite resource through jsforce, unmodified: `requestPost` sends the JSON body as is. */
const composite = (
  conn: Connection,
  body: { allOrNone?: boolean; collateSubrequests?: boolean; compositeRequest: Subrequest[] },
): Promise<CompositeResponse> => conn.requestPost<CompositeResponse>(api('/composite'), body);

const statuses = (response: CompositeResponse): number[] => response.compositeResponse.map((r) => r.httpStatusCode);
const errorCodes = (result: SubrequestResult): string[] => (result.body as ErrorBody).map((e) => e.errorCode);

const ROLLED_BACK = [
  {
    errorCode: 'PROCESSING_HALTED',
    message: 'The transaction was rolled back since another operation in the same transaction failed.',
  },
];
const invalidReference = (expression: string, referenceId: string) => [
  {
    errorCode: 'PROCESSING_HALTED',
    message: `Invalid reference specified. No value for ${expression} found in ${referenceId}. Provided referenceId ('${expression}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`,
  },
];

describe('the Composite resource (POST /services/data/vXX.X/composite) through jsforce', () => {
  let h: Harness;
  let conn: Connection;
  let orgId: string;
  const changeLog = async () =>
    (
      await h.admin<{ taskId: string; changeType: string; changeOrigin: string | null }[]>(
        'GET',
        `/salesforce/orgs/${orgId}/changes`,
      )
    ).body;
  const changeEvents = async () =>
    (await h.admin<ChangeEventData[]>('GET', `/salesforce/orgs/${orgId}/change-events`)).body;
  const countTasks = async (where: string) =>
    (await conn.query(`SELECT COUNT() FROM Task WHERE ${where}`, { scanAll: true })).totalSize;

  beforeAll(async () => {
    h = await startHarness();
    h.sandbox.clock.set(new Date(T0), { frozen: true });
    conn = await h.login(undefined, undefined, { client: 'tasksync' });
    orgId = h.sandbox.defaults.orgId;
  });
  afterAll(() => h.close());

  it('GET lists the composite resources, with the version called', async () => {
    expect(await conn.request(api('/composite'))).toEqual({
      tree: `/services/data/${V}/composite/tree`,
      batch: `/services/data/${V}/composite/batch`,
      sobjects: `/services/data/${V}/composite/sobjects`,
      graph: `/services/data/${V}/composite/graph`,
    });
  });

  it('a query, a getDeleted and a describe in one request are answered in order and count as ONE API call', async () => {
    h.sandbox.clock.set(new Date(T0 - DAY), { frozen: true });
    const { id: gone } = await conn.sobject('Task').create({ Subject: 'deleted yesterday' });
    await conn.sobject('Task').destroy(gone as string);
    h.sandbox.clock.set(new Date(T0), { frozen: true });
    const { id: live } = await conn.sobject('Task').create({ Subject: 'live one' });

    const usedBefore = conn.limitInfo.apiUsage?.used as number;
    await h.admin('DELETE', '/calls');
    const start = new Date(T0 - 2 * DAY).toISOString();
    const end = new Date(T0).toISOString();
    const response = await composite(conn, {
      compositeRequest: [
        {
          method: 'GET',
          url: api(`/query/?q=${encodeURIComponent("SELECT Id, Subject FROM Task WHERE Subject = 'live one'")}`),
          referenceId: 'refQuery',
        },
        {
          method: 'GET',
          url: api(`/sobjects/Task/deleted/?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`),
          referenceId: 'refDeleted',
        },
        { method: 'GET', url: api('/sobjects/Task/describe'), referenceId: 'refDescribe' },
      ],
    });

    expect(response.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
      ['refQuery', 200],
      ['refDeleted', 200],
      ['refDescribe', 200],
    ]);
    const [query, deleted, describe] = response.compositeResponse.map((r) => r.body) as [
      { totalSize: number; records: { Id: string; attributes: { url: string } }[] },
      { deletedRecords: { id: string }[] },
      { name: string; urls: { sobject: string } },
    ];
    expect(query.totalSize).toBe(1);
    expect(query.records[0]).toMatchObject({
      Id: live,
      attributes: { url: `/services/data/${V}/sobjects/Task/${live}` },
    });
    expect(deleted.deletedRecords.map((r) => r.id)).toEqual([gone]);
    expect(describe).toMatchObject({ name: 'Task', urls: { sobject: `/services/data/${V}/sobjects/Task` } });

    // One call toward the org's daily limit (Sforce-Limit-Info, read by jsforce) and in the call counter.
    expect(conn.limitInfo.apiUsage?.used).toBe(usedBefore + 1);
    expect(
      (await h.admin<{ total: number; calls: { endpoint: string; count: number }[] }>('GET', '/calls')).body,
    ).toEqual({
      total: 1,
      // Named by what it ran, so one composite can be told from another.
      calls: [
        {
          tenant: orgId,
          endpoint: 'POST composite (GET query + GET sobjects/Task/deleted + GET sobjects/Task/describe)',
          count: 1,
        },
      ],
    });
  });

  it('the last call of the day may hold 25 subrequests; past the limit the request is REQUEST_LIMIT_EXCEEDED and runs nothing', async () => {
    const limit = 100_000;
    await h.admin('PUT', `/salesforce/orgs/${orgId}/api-usage`, { dailyApiLimit: limit, used: limit - 1 });
    try {
      const creates = (prefix: string): Subrequest[] =>
        Array.from({ length: 25 }, (_, i) => ({
          method: 'POST',
          url: api('/sobjects/Task'),
          referenceId: `ref${i}`,
          body: { Subject: `${prefix} ${i}` },
        }));
      const last = await composite(conn, { compositeRequest: creates('last call') });
      expect(statuses(last).every((s) => s === 201)).toBe(true);
      expect(conn.limitInfo.apiUsage).toEqual({ used: limit, limit });
      const refused = await errorOf(composite(conn, { compositeRequest: creates('over the limit') }));
      expect(refused.name).toBe('REQUEST_LIMIT_EXCEEDED');
    } finally {
      await h.admin('PUT', `/salesforce/orgs/${orgId}/api-usage`, { used: 0 });
    }
    expect(await countTasks("Subject LIKE 'over the limit%'")).toBe(0);
  });

  it('references carry a created id into a later update, retrieve and query, and a query row into an update', async () => {
    const response = await composite(conn, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refTask', body: { Subject: 'made in composite' } },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/@{refTask.id}'),
          referenceId: 'refUpdate',
          body: { Status: 'Completed', Description: 'created as @{refTask.id}' },
        },
        {
          method: 'GET',
          url: api('/sobjects/Task/@{refTask.id}?fields=Subject,Status,IsClosed,Description'),
          referenceId: 'refRead',
        },
        {
          method: 'GET',
          url: api("/query/?q=SELECT Id, Subject FROM Task WHERE Id = '@{refTask.id}'"),
          referenceId: 'refQuery',
        },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/@{refQuery.records[0].Id}'),
          referenceId: 'refQueried',
          body: { Priority: 'High', Subject: '@{refRead.Subject} (again)' },
        },
      ],
    });
    expect(statuses(response)).toEqual([201, 204, 200, 200, 204]);
    const [created, updated, read] = response.compositeResponse;
    const id = (created.body as { id: string }).id;
    expect(created).toEqual({
      body: { id, success: true, errors: [] },
      httpHeaders: { Location: `/services/data/${V}/sobjects/Task/${id}` },
      httpStatusCode: 201,
      referenceId: 'refTask',
    });
    expect(updated).toEqual({ body: null, httpHeaders: {}, httpStatusCode: 204, referenceId: 'refUpdate' });
    expect(read.body).toMatchObject({
      Subject: 'made in composite',
      Status: 'Completed',
      IsClosed: true,
      Description: `created as ${id}`,
    });
    expect(await conn.sobject('Task').retrieve(id)).toMatchObject({
      Subject: 'made in composite (again)',
      Priority: 'High',
      Status: 'Completed',
    });
  });

  it('allOrNone true: a failure rolls back the earlier writes with their change events; every other subrequest answers PROCESSING_HALTED', async () => {
    const logBefore = (await changeLog()).length;
    const eventsBefore = (await changeEvents()).length;
    const response = await composite(conn, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refKept', body: { Subject: 'rolled back 1' } },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/@{refKept.id}'),
          referenceId: 'refBad',
          body: { Status: 'No such status' },
        },
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refAfter', body: { Subject: 'rolled back 2' } },
        { method: 'GET', url: api('/sobjects/Task/describe'), referenceId: 'refRead' },
      ],
    });
    expect(statuses(response)).toEqual([400, 400, 400, 400]);
    const [kept, bad, after, read] = response.compositeResponse;
    expect(kept.body).toEqual(ROLLED_BACK);
    expect(errorCodes(bad)).toEqual(['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST']);
    expect(after.body).toEqual(ROLLED_BACK);
    expect(read.body).toEqual(ROLLED_BACK);
    expect(await countTasks("Subject LIKE 'rolled back%'")).toBe(0);
    expect(await changeLog()).toHaveLength(logBefore);
    expect(await changeEvents()).toHaveLength(eventsBefore);
  });

  it('allOrNone true that succeeds commits its writes as one transaction: one transactionKey for their change events', async () => {
    const eventsBefore = (await changeEvents()).length;
    const response = await composite(conn, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refOne', body: { Subject: 'together 1' } },
        {
          method: 'POST',
          url: api('/sobjects/Task'),
          referenceId: 'refTwo',
          body: { Subject: 'together 2', Priority: 'High' },
        },
      ],
    });
    expect(statuses(response)).toEqual([201, 201]);
    const events = (await changeEvents()).slice(eventsBefore);
    expect(events.flatMap((e) => e.payload.ChangeEventHeader.recordIds)).toHaveLength(2);
    expect(new Set(events.map((e) => e.payload.ChangeEventHeader.transactionKey)).size).toBe(1);
  });

  it('allOrNone false: the others run, and a subrequest that references the failed one answers PROCESSING_HALTED', async () => {
    const response = await composite(conn, {
      allOrNone: false,
      compositeRequest: [
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refBad', body: { Subject: 'x'.repeat(300) } },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/@{refBad.id}'),
          referenceId: 'refDependent',
          body: { Subject: 'never' },
        },
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refIndependent', body: { Subject: 'independent' } },
      ],
    });
    expect(statuses(response)).toEqual([400, 400, 201]);
    expect(errorCodes(response.compositeResponse[0])).toEqual(['STRING_TOO_LONG']);
    expect(response.compositeResponse[1].body).toEqual(invalidReference('refBad.id', 'refBad'));
    expect(await countTasks("Subject = 'independent'")).toBe(1);
  });

  it('a reference to a row a query did not return, to an unknown referenceId, or with the wrong case answers PROCESSING_HALTED', async () => {
    const response = await composite(conn, {
      compositeRequest: [
        { method: 'GET', url: api("/query/?q=SELECT Id FROM Task WHERE Subject = 'nobody'"), referenceId: 'refNone' },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/@{refNone.records[0].Id}'),
          referenceId: 'refNoRow',
          body: { Subject: 'x' },
        },
        {
          method: 'POST',
          url: api('/sobjects/Task'),
          referenceId: 'refTask',
          body: { Subject: 'case matters', WhatId: '@{refMissing.id}' },
        },
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refOk', body: { Subject: 'case matters' } },
        { method: 'GET', url: api('/sobjects/Task/@{refOk.Id}'), referenceId: 'refWrongCase' },
      ],
    });
    expect(statuses(response)).toEqual([200, 400, 400, 201, 400]);
    expect(response.compositeResponse[1].body).toEqual(invalidReference('refNone.records[0].Id', 'refNone'));
    expect(response.compositeResponse[2].body).toEqual(invalidReference('refMissing.id', 'refMissing'));
    expect(response.compositeResponse[4].body).toEqual(invalidReference('refOk.Id', 'refOk'));
  });

  it('the composite request’s Sforce-Call-Options client is the changeOrigin of its writes; a subrequest’s own header wins', async () => {
    const eventsBefore = (await changeEvents()).length;
    const response = await composite(conn, {
      compositeRequest: [
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refSync', body: { Subject: 'origin: call' } },
        {
          method: 'POST',
          url: api('/sobjects/Task'),
          referenceId: 'refOther',
          body: { Subject: 'origin: subrequest' },
          httpHeaders: { 'Sforce-Call-Options': 'client=other-tool' },
        },
      ],
    });
    expect(statuses(response)).toEqual([201, 201]);
    const ids = response.compositeResponse.map((r) => (r.body as { id: string }).id);
    const origins = (await changeEvents())
      .slice(eventsBefore)
      .map((e) => [e.payload.ChangeEventHeader.recordIds[0], e.payload.ChangeEventHeader.changeOrigin]);
    expect(origins).toEqual([
      [ids[0], 'com/salesforce/api/rest/62.0;client=tasksync'],
      [ids[1], 'com/salesforce/api/rest/62.0;client=other-tool'],
    ]);
    const log = (await changeLog()).filter((c) => ids.includes(c.taskId));
    expect(log.map((c) => c.changeOrigin)).toEqual(['tasksync', 'other-tool']);
  });

  it("a sync's flush as one request: upserts and deletes as sObject Collections, updates If-Unmodified-Since (412 when modified after), ONE API call, each write's changeOrigin its client", async () => {
    h.sandbox.clock.set(new Date(T0), { frozen: true });
    const { id: unchanged } = await conn.sobject('Task').create({ Subject: 'flush: unchanged since read' });
    const { id: edited } = await conn.sobject('Task').create({ Subject: 'flush: edited after read' });
    const { id: doomed } = await conn.sobject('Task').create({ Subject: 'flush: to delete' });
    const lastRead = new Date(T0).toUTCString();
    h.sandbox.clock.set(new Date(T0 + 5_000), { frozen: true });
    await conn.sobject('Task').update({ Id: edited as string, Subject: 'flush: a person edited it' });
    const eventsBefore = (await changeEvents()).length;
    const usedBefore = conn.limitInfo.apiUsage?.used as number;
    await h.admin('DELETE', '/calls');
    const own = { 'Sforce-Call-Options': 'client=task-sync' };
    const response = await composite(conn, {
      allOrNone: false,
      compositeRequest: [
        {
          method: 'PATCH',
          url: api('/composite/sobjects/Task/SalesConnect_Task_Id__c'),
          referenceId: 'upserts',
          body: {
            allOrNone: false,
            records: [
              { attributes: { type: 'Task' }, Subject: 'flush: new', SalesConnect_Task_Id__c: 'sc-flush-1' },
              { attributes: { type: 'Task' }, Subject: 'x'.repeat(300), SalesConnect_Task_Id__c: 'sc-flush-2' },
            ],
          },
          httpHeaders: own,
        },
        {
          method: 'DELETE',
          url: api(`/composite/sobjects?ids=${doomed},00T000000000000AAA&allOrNone=false`),
          referenceId: 'deletes',
          httpHeaders: own,
        },
        {
          method: 'PATCH',
          url: api(`/sobjects/Task/${unchanged}`),
          referenceId: 'update0',
          body: { Subject: 'flush: written' },
          httpHeaders: { ...own, 'If-Unmodified-Since': lastRead },
        },
        {
          method: 'PATCH',
          url: api(`/sobjects/Task/${edited}`),
          referenceId: 'update1',
          body: { Subject: 'flush: would overwrite' },
          httpHeaders: { ...own, 'If-Unmodified-Since': lastRead },
        },
        {
          method: 'PATCH',
          url: api(`/sobjects/Task/${unchanged}`),
          referenceId: 'badDate',
          body: { Subject: 'never' },
          httpHeaders: { 'If-Unmodified-Since': 'yesterday' },
        },
      ],
    });
    expect(response.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
      ['upserts', 200],
      ['deletes', 200],
      ['update0', 204],
      ['update1', 412],
      ['badDate', 400],
    ]);
    const [upserts, deletes] = response.compositeResponse.map((r) => r.body) as {
      success: boolean;
      created?: boolean;
      errors: { statusCode: string }[];
    }[][];
    expect(upserts.map((r) => [r.success, r.created, r.errors.map((e) => e.statusCode)])).toEqual([
      [true, true, []],
      [false, false, ['STRING_TOO_LONG']],
    ]);
    expect(deletes.map((r) => [r.success, r.errors.map((e) => e.statusCode)])).toEqual([
      [true, []],
      [false, ['NOT_FOUND']],
    ]);
    expect(errorCodes(response.compositeResponse[3])).toEqual(['PRECONDITION_FAILED']);
    expect(errorCodes(response.compositeResponse[4])).toEqual(['INVALID_HEADER']);
    expect(conn.limitInfo.apiUsage?.used).toBe(usedBefore + 1);
    expect((await h.admin<{ total: number }>('GET', '/calls')).body.total).toBe(1);
    // The person's edit stands; the unchanged task took the write.
    expect((await conn.sobject('Task').retrieve(edited as string)).Subject).toBe('flush: a person edited it');
    expect((await conn.sobject('Task').retrieve(unchanged as string)).Subject).toBe('flush: written');

    // Each write's change event names the sync as its origin (its subrequest's own header: the composite request's client here is another).
    const origins = (await changeEvents())
      .slice(eventsBefore)
      .map((e) => [e.payload.ChangeEventHeader.changeType, e.payload.ChangeEventHeader.changeOrigin]);
    expect(origins).toEqual([
      ['CREATE', 'com/salesforce/api/rest/62.0;client=task-sync'],
      ['DELETE', 'com/salesforce/api/rest/62.0;client=task-sync'],
      ['UPDATE', 'com/salesforce/api/rest/62.0;client=task-sync'],
    ]);
  });

  it('a subrequest’s Sforce-Query-Options batchSize pages its query', async () => {
    await conn.sobject('Task').create(
      Array.from({ length: 250 }, (_, i) => ({ Subject: `paged ${i}` })),
      { allowRecursive: true },
    );
    const response = await composite(conn, {
      compositeRequest: [
        {
          method: 'GET',
          url: api("/query?q=SELECT Id FROM Task WHERE Subject LIKE 'paged %'"),
          referenceId: 'refPaged',
          httpHeaders: { 'Sforce-Query-Options': 'batchSize=200' },
        },
        {
          method: 'GET',
          url: api("/query?q=SELECT Id FROM Task WHERE Subject LIKE 'paged %'"),
          referenceId: 'refWhole',
        },
      ],
    });
    const [paged, whole] = response.compositeResponse.map(
      (r) => r.body as { totalSize: number; records: unknown[]; nextRecordsUrl?: string },
    );
    expect([paged.totalSize, paged.records.length, paged.nextRecordsUrl]).toEqual([
      250,
      200,
      expect.stringMatching(new RegExp(`^/services/data/${V}/query/01g.+-200$`)),
    ]);
    expect([whole.records.length, whole.nextRecordsUrl]).toEqual([250, undefined]);
  });

  it('upsert by external id and sObject Collections run as subrequests; with allOrNone a failed record of a collection rolls everything back', async () => {
    const upserted = await composite(conn, {
      compositeRequest: [
        {
          method: 'PATCH',
          url: api('/sobjects/Task/SalesConnect_Task_Id__c/sc-composite-1'),
          referenceId: 'refUpsert',
          body: { Subject: 'upserted' },
        },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/SalesConnect_Task_Id__c/sc-composite-1'),
          referenceId: 'refUpsertAgain',
          body: { Subject: 'upserted again' },
        },
        {
          method: 'POST',
          url: api('/composite/sobjects'),
          referenceId: 'refCollection',
          body: {
            records: [
              { attributes: { type: 'Task' }, Subject: 'collection 1' },
              { attributes: { type: 'Task' }, Subject: 'collection 2' },
            ],
          },
        },
        {
          method: 'PATCH',
          url: api('/sobjects/Task/@{refCollection[1].id}'),
          referenceId: 'refFromCollection',
          body: { Priority: 'Low' },
        },
      ],
    });
    expect(statuses(upserted)).toEqual([201, 200, 200, 204]);
    expect(upserted.compositeResponse[1].body).toMatchObject({
      created: false,
      id: (upserted.compositeResponse[0].body as { id: string }).id,
    });

    // "allOrNone Parameters in Composite and Collections Requests", case 4: the collection's own
    // allOrNone is false, one record fails, and the composite request's allOrNone rolls back all.
    const response = await composite(conn, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: api('/composite/sobjects'),
          referenceId: 'newTasks',
          body: {
            allOrNone: false,
            records: [
              { attributes: { type: 'Task' }, Subject: 'case 4 ok' },
              { attributes: { type: 'Task' }, Subject: 'x'.repeat(300) },
            ],
          },
        },
        { method: 'POST', url: api('/sobjects/Task'), referenceId: 'newTask', body: { Subject: 'case 4 other' } },
      ],
    });
    expect(statuses(response)).toEqual([200, 400]);
    expect((response.compositeResponse[0].body as { success: boolean }[]).map((r) => r.success)).toEqual([true, false]);
    expect(response.compositeResponse[1].body).toEqual(ROLLED_BACK);
    expect(await countTasks("Subject LIKE 'case 4%'")).toBe(0);
  });

  it('field-level security, validation rules and the trigger apply to a subrequest exactly as to the same REST call', async () => {
    const userId = h.sandbox.defaults.userId;
    await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${userId}/field-security`, {
      Task: { hidden: ['Description'] },
    });
    await h.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, {
      name: 'Not_Low',
      field: 'Priority',
      condition: 'equals',
      value: 'Low',
      message: 'Low priority is not allowed.',
    });
    await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, {
      field: 'Subject',
      set: 'appendSuffix',
      suffix: ' [edited]',
    });
    try {
      const rest = await Promise.all([
        errorOf(conn.sobject('Task').create({ Subject: 'hidden', Description: 'secret' })),
        errorOf(conn.sobject('Task').create({ Subject: 'low', Priority: 'Low' })),
      ]);
      const response = await composite(conn, {
        compositeRequest: [
          {
            method: 'POST',
            url: api('/sobjects/Task'),
            referenceId: 'refHidden',
            body: { Subject: 'hidden', Description: 'secret' },
          },
          {
            method: 'POST',
            url: api('/sobjects/Task'),
            referenceId: 'refLow',
            body: { Subject: 'low', Priority: 'Low' },
          },
          { method: 'POST', url: api('/sobjects/Task'), referenceId: 'refTriggered', body: { Subject: 'triggered' } },
          { method: 'GET', url: api('/sobjects/Task/@{refTriggered.id}?fields=Subject'), referenceId: 'refRead' },
        ],
      });
      expect(statuses(response)).toEqual([400, 400, 201, 200]);
      // The same error body as the REST call's (jsforce keeps that call's error object as `data`).
      expect(response.compositeResponse[0].body).toEqual([rest[0].data]);
      expect(response.compositeResponse[1].body).toEqual([rest[1].data]);
      expect([errorCodes(response.compositeResponse[0]), errorCodes(response.compositeResponse[1])]).toEqual([
        ['INVALID_FIELD'],
        ['FIELD_CUSTOM_VALIDATION_EXCEPTION'],
      ]);
      expect(response.compositeResponse[3].body).toMatchObject({ Subject: 'triggered [edited]' });
    } finally {
      await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${userId}/field-security`, { Task: {} });
      await h.admin('DELETE', `/salesforce/orgs/${orgId}/validation-rules/Not_Low`);
      await h.admin('DELETE', `/salesforce/orgs/${orgId}/task-trigger`);
    }
  });

  describe('limits and malformed requests', () => {
    const create = (n: number): Subrequest => ({
      method: 'POST',
      url: api('/sobjects/Task'),
      referenceId: `refCreate${n}`,
      body: { Subject: `limit ${n}` },
    });
    const query = (n: number): Subrequest => ({
      method: 'GET',
      url: api("/query?q=SELECT Id FROM Task WHERE Subject = 'limit'"),
      referenceId: `refQuery${n}`,
    });
    const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

    /** A 400 answer of the whole request, as jsforce reports it (its body is in the message when it is not an error list). */
    const failure = async (body: Parameters<typeof composite>[1]) => {
      const error = await errorOf(composite(conn, body));
      return { name: error.name, message: error.message };
    };

    it('25 subrequests, 5 of them queries, are accepted', async () => {
      const response = await composite(conn, { compositeRequest: [...range(20).map(create), ...range(5).map(query)] });
      expect(response.compositeResponse).toHaveLength(25);
      expect(new Set(statuses(response))).toEqual(new Set([201, 200]));
    });

    it('26 subrequests: the whole request fails with LIMIT_EXCEEDED and runs nothing', async () => {
      const before = await countTasks("Subject LIKE 'limit %'");
      const { name, message } = await failure({ compositeRequest: range(26).map(create) });
      expect(name).toBe('ERROR_HTTP_400');
      expect(JSON.parse(message)).toEqual({
        compositeResponse: [
          {
            body: [{ errorCode: 'LIMIT_EXCEEDED', message: 'The request can’t contain more than 25 operations.' }],
            httpHeaders: {},
            httpStatusCode: 400,
            referenceId: null,
          },
        ],
      });
      expect(await countTasks("Subject LIKE 'limit %'")).toBe(before);
    });

    it('6 query or sObject Collections subrequests: LIMIT_EXCEEDED', async () => {
      const collection: Subrequest = {
        method: 'POST',
        url: api('/composite/sobjects'),
        referenceId: 'refCollection',
        body: { records: [{ attributes: { type: 'Task' }, Subject: 'limit c' }] },
      };
      const { name, message } = await failure({ compositeRequest: [...range(5).map(query), collection] });
      expect(name).toBe('ERROR_HTTP_400');
      expect((JSON.parse(message) as CompositeResponse).compositeResponse[0].body).toEqual([
        {
          errorCode: 'LIMIT_EXCEEDED',
          message: 'The request can’t contain more than 5 query or sObject Collections operations.',
        },
      ]);
    });

    it.each([
      [
        'a referenceId with other characters (API 52.0+)',
        [{ ...create(1), referenceId: 'refNewAccount[1]' }],
        "Provided referenceId ('refNewAccount[1]') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').",
      ],
      ['the same referenceId twice', [create(1), create(1)], /Duplicate referenceId/],
      [
        'a resource Composite does not support (limits)',
        [{ method: 'GET', url: api('/limits'), referenceId: 'refLimits' }],
        /Composite supports sObject, Query, QueryAll and sObject Collections resources only/,
      ],
      [
        'a resource Composite does not support (Tooling API query)',
        [
          {
            method: 'GET',
            url: api('/tooling/query?q=SELECT Id FROM PlatformEventChannelMember'),
            referenceId: 'refTooling',
          },
        ],
        /Composite supports/,
      ],
      [
        'a url outside /services/data/vXX.X/',
        [{ method: 'GET', url: '/sobjects/Task/describe', referenceId: 'refDescribe' }],
        /must start with \/services\/data\/vXX.X\//,
      ],
      ['a method in lower case', [{ ...create(1), method: 'post' }], /method/],
      [
        'an Authorization header in a subrequest',
        [{ ...create(1), httpHeaders: { Authorization: 'Bearer other' } }],
        /Authorization/,
      ],
    ] as const)('%s: the whole request fails with 400 JSON_PARSER_ERROR', async (_label, compositeRequest, message) => {
      const error = await errorOf(composite(conn, { compositeRequest: compositeRequest as unknown as Subrequest[] }));
      expect(error.name).toBe('JSON_PARSER_ERROR');
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    });

    it('an unknown path under a supported resource answers as the REST call does, in its subrequest', async () => {
      const response = await composite(conn, {
        compositeRequest: [
          { method: 'GET', url: api('/sobjects/Task/00T000000000999AAA'), referenceId: 'refMissing' },
          { method: 'GET', url: api('/sobjects/Nope/describe'), referenceId: 'refNope' },
        ],
      });
      expect(statuses(response)).toEqual([404, 404]);
      expect(response.compositeResponse.map(errorCodes)).toEqual([['NOT_FOUND'], ['NOT_FOUND']]);
    });
  });
});
