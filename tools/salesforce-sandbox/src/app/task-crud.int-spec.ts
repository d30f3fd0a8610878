import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

interface AdminTask {
  Id: string;
  IsDeleted: boolean;
  SalesConnect_Task_Id__c: string | null;
  lastModifiedByClient: string | null;
  deletedAt: string | null;
}

describe('sobjects/Task through jsforce: create, retrieve, update, upsert, destroy', () => {
  let h: Harness;
  let conn: Connection;
  let contactId: string;
  beforeAll(async () => {
    h = await startHarness();
    h.sandbox.clock.set(new Date('2026-11-24T10:00:00.000Z'), { frozen: true });
    conn = await h.login(undefined, undefined, { client: 'tasksync' });
    contactId = (
      await h.admin<{ Id: string }>('POST', `/salesforce/orgs/${h.sandbox.defaults.orgId}/contacts`, {
        lastName: 'Doe',
        email: 'jane@example.com',
      })
    ).body.Id;
  });
  afterAll(() => h.close());

  it('create sets an 18-character 00T Id, audit fields from the sandbox clock, IsClosed from Status; ActivityDate stays a date', async () => {
    const created = await conn
      .sobject('Task')
      .create({ Subject: 'Call Jane', ActivityDate: '2026-11-25', Status: 'Completed', WhoId: contactId });
    expect(created.success).toBe(true);
    expect(created.id).toMatch(/^00T[A-Za-z0-9]{15}$/);
    const task = await conn.sobject('Task').retrieve(created.id as string);
    expect(task).toMatchObject({
      Subject: 'Call Jane',
      ActivityDate: '2026-11-25',
      Status: 'Completed',
      IsClosed: true,
      IsDeleted: false,
      Priority: 'Normal',
      TaskSubtype: 'Task',
      OwnerId: h.sandbox.defaults.userId,
      WhoId: contactId,
      CreatedDate: '2026-11-24T10:00:00.000+0000',
      LastModifiedDate: '2026-11-24T10:00:00.000+0000',
      SystemModstamp: '2026-11-24T10:00:00.000+0000',
    });
  });

  it('update moves LastModifiedDate and SystemModstamp, recomputes IsClosed, and records the Sforce-Call-Options client', async () => {
    const { id } = await conn.sobject('Task').create({ Subject: 'Open', Status: 'Completed' });
    h.sandbox.clock.advance(60_000);
    const result = await conn.sobject('Task').update({ Id: id as string, Status: 'In Progress' });
    expect(result).toEqual({ id, success: true, errors: [] });
    const task = await conn
      .sobject('Task')
      .retrieve(id as string, { fields: ['IsClosed', 'SystemModstamp', 'CreatedDate'] });
    expect(task).toMatchObject({
      IsClosed: false,
      SystemModstamp: '2026-11-24T10:01:00.000+0000',
      CreatedDate: '2026-11-24T10:00:00.000+0000',
    });
    const all = (await h.admin<AdminTask[]>('GET', `/salesforce/orgs/${h.sandbox.defaults.orgId}/tasks`)).body;
    expect(all.find((t) => t.Id === id)?.lastModifiedByClient).toBe('tasksync');
  });

  it('upsert by SalesConnect_Task_Id__c creates (created: true) then updates (created: false) the same task', async () => {
    const first = await conn
      .sobject('Task')
      .upsert({ SalesConnect_Task_Id__c: 'sc-1', Subject: 'v1' }, 'SalesConnect_Task_Id__c');
    expect(first).toMatchObject({ success: true, created: true });
    const second = await conn
      .sobject('Task')
      .upsert({ SalesConnect_Task_Id__c: 'sc-1', Subject: 'v2' }, 'SalesConnect_Task_Id__c');
    expect(second).toMatchObject({ success: true, created: false, id: first.id });
    const found = await conn.query<{ Subject: string }>(
      "SELECT Subject FROM Task WHERE SalesConnect_Task_Id__c = 'sc-1'",
    );
    expect(found.records.map((r) => r.Subject)).toEqual(['v2']);
  });

  it('upsert answers HTTP 300 when the external id matches several tasks (jsforce: MULTIPLE_CHOICES)', async () => {
    for (let i = 0; i < 2; i++)
      await h.admin('POST', `/salesforce/orgs/${h.sandbox.defaults.orgId}/tasks`, {
        Subject: `dup ${i}`,
        SalesConnect_Task_Id__c: 'sc-dup',
      });
    const error = await errorOf(
      conn.sobject('Task').upsert({ SalesConnect_Task_Id__c: 'sc-dup', Subject: 'x' }, 'SalesConnect_Task_Id__c'),
    );
    expect(error.name).toBe('MULTIPLE_CHOICES');
    expect(error.data).toHaveLength(2);
  });

  it('destroy puts the task in the recycle bin: retrieve says ENTITY_IS_DELETED, query hides it, queryAll shows IsDeleted', async () => {
    const { id } = await conn.sobject('Task').create({ Subject: 'Bin me' });
    expect(await conn.sobject('Task').destroy(id as string)).toEqual({ id, success: true, errors: [] });
    expect((await errorOf(conn.sobject('Task').retrieve(id as string))).name).toBe('ENTITY_IS_DELETED');
    expect((await errorOf(conn.sobject('Task').destroy(id as string))).name).toBe('ENTITY_IS_DELETED');
    const soql = `SELECT Id, IsDeleted FROM Task WHERE Id = '${id as string}'`;
    expect((await conn.query(soql)).totalSize).toBe(0);
    const all = await conn.query<{ IsDeleted: boolean }>(soql, { scanAll: true });
    expect(all.records.map((r) => r.IsDeleted)).toEqual([true]);
  });

  it('the recycle bin is purged after 15 days: queryAll no longer returns the task', async () => {
    const { id } = await conn.sobject('Task').create({ Subject: 'Old delete' });
    await conn.sobject('Task').destroy(id as string);
    h.sandbox.clock.advance(16 * 86_400_000);
    const all = await conn.query(`SELECT Id FROM Task WHERE Id = '${id as string}'`, { scanAll: true });
    expect(all.totalSize).toBe(0);
  });

  it.each([
    ['a 256-character Subject', { Subject: 'x'.repeat(256) }, 'STRING_TOO_LONG'],
    ['a 32,001-character Description', { Description: 'x'.repeat(32_001) }, 'STRING_TOO_LONG'],
    ['an unknown Status', { Status: 'Done-ish' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'],
    ['a datetime as ActivityDate', { ActivityDate: '2026-11-24T23:00:00Z' }, 'JSON_PARSER_ERROR'],
    ['an unknown field', { Nope__c: 1 }, 'INVALID_FIELD'],
    ['a read-only field', { IsClosed: true }, 'INVALID_FIELD_FOR_INSERT_UPDATE'],
    ['a WhoId that names no Contact', { WhoId: '003000000000999AAA' }, 'FIELD_INTEGRITY_EXCEPTION'],
  ])('create with %s fails as Salesforce does', async (_label, record, errorCode) => {
    const error = await errorOf(conn.sobject('Task').create(record));
    expect(error.name).toBe(errorCode);
  });

  it('a 32,000-character Description is accepted', async () => {
    const { id } = await conn.sobject('Task').create({ Description: 'd'.repeat(32_000) });
    const task = await conn.sobject('Task').retrieve(id as string);
    expect((task.Description as string).length).toBe(32_000);
  });

  it('update of an unknown id is NOT_FOUND; a malformed id is MALFORMED_ID', async () => {
    expect((await errorOf(conn.sobject('Task').update({ Id: '00T000000000zzzAAA', Subject: 'x' }))).name).toBe(
      'NOT_FOUND',
    );
    expect((await errorOf(conn.sobject('Task').update({ Id: 'bad', Subject: 'x' }))).name).toBe('MALFORMED_ID');
  });

  it('describe lists the Status picklist; which status is closed comes from TaskStatus, as in Salesforce', async () => {
    const describe = await conn.sobject('Task').describe();
    const status = describe.fields.find((f) => f.name === 'Status');
    expect(status?.picklistValues?.map((p) => p.value)).toEqual([
      'Not Started',
      'In Progress',
      'Completed',
      'Waiting on someone else',
      'Deferred',
    ]);
    expect(status?.picklistValues?.some((p) => 'closed' in p)).toBe(false);
    const closed = await conn.query<{ ApiName: string }>('SELECT ApiName FROM TaskStatus WHERE IsClosed = true');
    expect(closed.records.map((r) => r.ApiName)).toEqual(['Completed']);
    expect(describe.fields.find((f) => f.name === 'SalesConnect_Task_Id__c')).toMatchObject({
      externalId: true,
      length: 64,
    });
    expect(describe.fields.find((f) => f.name === 'Subject')).toMatchObject({ length: 255 });
  });
});
