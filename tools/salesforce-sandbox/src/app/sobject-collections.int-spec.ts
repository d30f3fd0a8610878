import type { Connection, SaveResult } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

/** sObject Collections name the error `statusCode` (jsforce's SaveError type says errorCode). */
const statusCodeOf = (result: SaveResult): string | undefined =>
  (result.errors[0] as unknown as { statusCode?: string } | undefined)?.statusCode;

describe('sObject Collections (composite/sobjects) through jsforce arrays', () => {
  let h: Harness;
  let conn: Connection;
  beforeAll(async () => {
    h = await startHarness();
    conn = await h.login(undefined, undefined, { client: 'tasksync' });
  });
  afterEach(() => h.sandbox.faults.reset());
  afterAll(() => h.close());

  it('create, retrieve, update, upsert and destroy arrays each go as one sObject Collections call', async () => {
    h.sandbox.calls.reset();
    const created = await conn.sobject('Task').create([{ Subject: 'a' }, { Subject: 'b' }, { Subject: 'c' }]);
    expect(created.map((r) => r.success)).toEqual([true, true, true]);
    const ids = created.map((r) => r.id as string);
    const fetched = await conn.sobject('Task').retrieve(ids, { fields: ['Subject'] });
    expect(fetched.map((r) => r.Subject)).toEqual(['a', 'b', 'c']);
    const updated = await conn.sobject('Task').update(ids.map((Id) => ({ Id, Status: 'Completed' })));
    expect(updated.every((r) => r.success)).toBe(true);
    const upserted = await conn.sobject('Task').upsert(
      [
        { SalesConnect_Task_Id__c: 'sc-10', Subject: 'new' },
        { SalesConnect_Task_Id__c: 'sc-11', Subject: 'new too' },
      ],
      'SalesConnect_Task_Id__c',
    );
    expect(upserted.map((r) => [r.success, (r as { created?: boolean }).created])).toEqual([
      [true, true],
      [true, true],
    ]);
    const again = await conn
      .sobject('Task')
      .upsert([{ SalesConnect_Task_Id__c: 'sc-10', Subject: 'changed' }], 'SalesConnect_Task_Id__c');
    expect(again[0]).toMatchObject({ success: true, created: false, id: upserted[0].id });
    const destroyed = await conn.sobject('Task').destroy(ids);
    expect(destroyed.map((r) => r.id)).toEqual(ids);
    const closed = await conn.query(`SELECT Id FROM Task WHERE IsClosed = true AND Id IN ('${ids.join("','")}')`, {
      scanAll: true,
    });
    expect(closed.totalSize).toBe(3);
    expect(
      h.sandbox.calls
        .list()
        .filter((c) => c.endpoint.includes('composite/sobjects'))
        .map((c) => `${c.endpoint} ${c.count}`)
        .sort(),
    ).toEqual([
      'DELETE composite/sobjects 1',
      'PATCH composite/sobjects 1',
      'PATCH composite/sobjects/Task/SalesConnect_Task_Id__c 2',
      'POST composite/sobjects 1',
      'POST composite/sobjects/Task 1',
    ]);
  });

  it('allOrNone false: the good records are saved and the bad one has its own error', async () => {
    const results = await conn
      .sobject('Task')
      .create([{ Subject: 'ok 1' }, { Subject: 'x'.repeat(300) }, { Subject: 'ok 2' }]);
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1].errors).toEqual([
      expect.objectContaining({ statusCode: 'STRING_TOO_LONG', fields: ['Subject'] }),
    ]);
  });

  it('allOrNone true: one bad record rolls every change back', async () => {
    const { id } = await conn.sobject('Task').create({ Subject: 'before' });
    const results = await conn.sobject('Task').update(
      [
        { Id: id as string, Subject: 'after' },
        { Id: id as string, Status: 'No such status' },
      ],
      { allOrNone: true },
    );
    expect(results.map((r) => r.success)).toEqual([false, false]);
    expect(results[0].errors[0]).toMatchObject({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' });
    expect(results[1].errors[0]).toMatchObject({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    expect((await conn.sobject('Task').retrieve(id as string)).Subject).toBe('before');
  });

  it('allOrNone true: the rolled-back writes leave no entry in the change log and no change event', async () => {
    const orgId = h.sandbox.defaults.orgId;
    const changesBefore = (await h.admin<unknown[]>('GET', `/salesforce/orgs/${orgId}/changes`)).body.length;
    const eventsBefore = h.sandbox.changeEvents.settings(orgId).latestReplayId;
    const results = await conn
      .sobject('Task')
      .create([{ Subject: 'kept?' }, { Subject: 'x'.repeat(300) }], { allOrNone: true });
    expect(results.map((r) => r.success)).toEqual([false, false]);
    expect((await h.admin<unknown[]>('GET', `/salesforce/orgs/${orgId}/changes`)).body).toHaveLength(changesBefore);
    expect(h.sandbox.changeEvents.settings(orgId).latestReplayId).toBe(eventsBefore);
  });

  it('more than 200 records is Salesforce error EXCEEDED_ID_LIMIT', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ Subject: `t${i}` }));
    const error = await errorOf(conn.sobject('Task').create(records));
    expect(error.name).toBe('EXCEEDED_ID_LIMIT');
    expect(error.message).toMatch(/cannot submit more than 200 records/);
    // jsforce's allowRecursive splits into calls of 200 and all succeed.
    const split = await conn.sobject('Task').create(records, { allowRecursive: true });
    expect(split.filter((r) => r.success)).toHaveLength(201);
  });

  it('the unableToLockRow fault fails records one by one with UNABLE_TO_LOCK_ROW (allOrNone false)', async () => {
    h.sandbox.faults.configure({ shares: { unableToLockRow: 0.5 }, seed: 7 });
    const results = await conn.sobject('Task').create(Array.from({ length: 40 }, (_, i) => ({ Subject: `lock ${i}` })));
    const failed = results.filter((r) => !r.success);
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.length).toBeLessThan(35);
    expect(failed.every((r) => statusCodeOf(r) === 'UNABLE_TO_LOCK_ROW')).toBe(true);
    expect((await conn.query("SELECT COUNT() FROM Task WHERE Subject LIKE 'lock %'")).totalSize).toBe(
      40 - failed.length,
    );
  });

  it('a duplicate external id inside one upsert call fails both records with DUPLICATE_VALUE', async () => {
    const results = await conn.sobject('Task').upsert(
      [
        { SalesConnect_Task_Id__c: 'sc-same', Subject: '1' },
        { SalesConnect_Task_Id__c: 'sc-same', Subject: '2' },
      ],
      'SalesConnect_Task_Id__c',
    );
    expect(results.map((r) => [r.success, statusCodeOf(r)])).toEqual([
      [false, 'DUPLICATE_VALUE'],
      [false, 'DUPLICATE_VALUE'],
    ]);
  });

  it('writes record the Sforce-Call-Options client as the change origin', async () => {
    await conn.sobject('Task').create([{ Subject: 'origin' }]);
    const changes = (
      await h.admin<{ changeOrigin: string; changeType: string }[]>(
        'GET',
        `/salesforce/orgs/${h.sandbox.defaults.orgId}/changes`,
      )
    ).body;
    expect(changes.at(-1)).toMatchObject({ changeType: 'CREATE', changeOrigin: 'tasksync' });
  });
});
