import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection, SaveResult } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';
import type { ChangeEventData } from './change-events/change-event';

interface TaskRow {
  Id: string;
  Subject: string | null;
  Status: string;
  IsClosed: boolean;
  Priority: string;
  RecordTypeId?: string | null;
  CreatedDate: string;
  LastModifiedDate: string;
  SystemModstamp: string;
}

/** sObject Collections name the error `statusCode` (jsforce's SaveError type says errorCode). */
type RecordError = { statusCode: string; message: string; fields: string[] };
const errorsOf = (result: SaveResult): RecordError[] => result.errors as unknown as RecordError[];

/** A new org with one user, logged in through jsforce (the sync's client name on its writes). */
async function newOrg(h: Harness, name: string): Promise<{ orgId: string; userId: string; conn: Connection }> {
  const org = (await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name })).body;
  const username = `${name.toLowerCase()}@rules.test`;
  const user = (await h.admin<{ Id: string }>('POST', `/salesforce/orgs/${org.id}/users`, { username, password: 'pw' }))
    .body;
  return { orgId: org.id, userId: user.Id, conn: await h.login(username, 'pw', { client: 'tasksync' }) };
}

const RENAMED_STATUSES = [
  { value: 'Open', closed: false, default: true, sortOrder: 10 },
  { value: 'Done', label: 'Done (closed)', closed: true, sortOrder: 20 },
  { value: 'Cancelled', label: 'Abandoned', closed: true, sortOrder: 30 },
];

describe('org rules through jsforce: Task statuses, record types, validation rules, a trigger', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.sandbox.clock.set(new Date('2026-11-24T12:00:00Z'), { frozen: true });
  });
  afterAll(() => h.close());

  describe('TaskStatus values per org', () => {
    let orgId: string;
    let conn: Connection;
    beforeAll(async () => ({ orgId, conn } = await newOrg(h, 'Statuses')));

    it('a new org answers the five standard statuses with SortOrder: Not Started the default, only Completed closed', async () => {
      const rows = (
        await conn.query<{
          ApiName: string;
          MasterLabel: string;
          IsClosed: boolean;
          IsDefault: boolean;
          SortOrder: number;
        }>('SELECT MasterLabel, ApiName, IsClosed, IsDefault, SortOrder FROM TaskStatus ORDER BY SortOrder')
      ).records;
      expect(rows.map((r) => [r.ApiName, r.IsClosed, r.IsDefault, r.SortOrder])).toEqual([
        ['Not Started', false, true, 1],
        ['In Progress', false, false, 2],
        ['Completed', true, false, 3],
        ['Waiting on someone else', false, false, 4],
        ['Deferred', false, false, 5],
      ]);
      const created = await conn.sobject('Task').create({ Subject: 'standard' });
      expect(await conn.sobject('Task').retrieve(created.id as string)).toMatchObject({
        Status: 'Not Started',
        IsClosed: false,
      });
    });

    it('a list without exactly one default, or with a closed default, is refused (400)', async () => {
      const none = await h.admin('PUT', `/salesforce/orgs/${orgId}/task-statuses`, [{ value: 'Open', closed: false }]);
      const two = await h.admin('PUT', `/salesforce/orgs/${orgId}/task-statuses`, [
        { value: 'A', closed: false, default: true },
        { value: 'B', closed: false, default: true },
      ]);
      const closedDefault = await h.admin<{ message: string }>('PUT', `/salesforce/orgs/${orgId}/task-statuses`, [
        { value: 'Done', closed: true, default: true },
      ]);
      expect([none.status, two.status, closedDefault.status]).toEqual([400, 400, 400]);
      expect(closedDefault.body.message).toMatch(/cannot be a closed one/);
    });

    it('renamed statuses, extra closed ones and another default: TaskStatus rows, the create default, IsClosed and the picklist follow them', async () => {
      expect((await h.admin('PUT', `/salesforce/orgs/${orgId}/task-statuses`, RENAMED_STATUSES)).status).toBe(200);
      const rows = (
        await conn.query<{ ApiName: string; MasterLabel: string; IsDefault: boolean; SortOrder: number }>(
          'SELECT MasterLabel, ApiName, IsDefault, SortOrder FROM TaskStatus WHERE IsClosed = true ORDER BY SortOrder',
        )
      ).records;
      expect(rows.map((r) => [r.ApiName, r.MasterLabel, r.SortOrder])).toEqual([
        ['Done', 'Done (closed)', 20],
        ['Cancelled', 'Abandoned', 30],
      ]);

      const open = await conn.sobject('Task').create({ Subject: 'no status given' });
      const cancelled = await conn.sobject('Task').create({ Subject: 'cancelled', Status: 'Cancelled' });
      const tasks = (
        await conn.query<TaskRow>(
          `SELECT Id, Status, IsClosed FROM Task WHERE Id IN ('${open.id}', '${cancelled.id}') ORDER BY Subject DESC`,
        )
      ).records;
      expect(tasks.map((t) => [t.Status, t.IsClosed])).toEqual([
        ['Open', false],
        ['Cancelled', true],
      ]);

      const gone = await errorOf(conn.sobject('Task').create({ Subject: 'old status', Status: 'Not Started' }));
      expect(gone).toMatchObject({
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        message: 'Status: bad value for restricted picklist field: Not Started',
      });

      const describe = await conn.sobject('Task').describe();
      const status = describe.fields.find((f) => f.name === 'Status');
      expect(status?.picklistValues?.map((p) => [p.value, p.label, p.defaultValue])).toEqual([
        ['Open', 'Open', true],
        ['Done', 'Done (closed)', false],
        ['Cancelled', 'Abandoned', false],
      ]);
    });

    it("changing a status's closed flag leaves existing tasks' IsClosed alone until they are saved again", async () => {
      const { id } = await conn.sobject('Task').create({ Subject: 'done before', Status: 'Done' });
      await h.admin(
        'PUT',
        `/salesforce/orgs/${orgId}/task-statuses`,
        RENAMED_STATUSES.map((s) => (s.value === 'Done' ? { ...s, closed: false } : s)),
      );
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({ Status: 'Done', IsClosed: true });
      await conn.sobject('Task').update({ Id: id as string, Subject: 'saved again' });
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({ Status: 'Done', IsClosed: false });
    });

    it('a TaskStatus row keeps its Id while its value stays', async () => {
      const before = (
        await h.admin<{ Id: string; ApiName: string }[]>('GET', `/salesforce/orgs/${orgId}/task-statuses`)
      ).body;
      await h.admin('PUT', `/salesforce/orgs/${orgId}/task-statuses`, RENAMED_STATUSES);
      const after = (await h.admin<{ Id: string; ApiName: string }[]>('GET', `/salesforce/orgs/${orgId}/task-statuses`))
        .body;
      expect(after.map((r) => r.Id)).toEqual(before.map((r) => r.Id));
    });
  });

  describe('record types', () => {
    let orgId: string;
    let userId: string;
    let conn: Connection;
    let sales: string;
    let support: string;
    beforeAll(async () => ({ orgId, userId, conn } = await newOrg(h, 'RecordTypes')));

    it('without record types Task has no RecordTypeId: writing one is INVALID_FIELD, describe lists only Master', async () => {
      const error = await errorOf(conn.sobject('Task').create({ Subject: 'x', RecordTypeId: '012000000000000AAA' }));
      expect(error.errorCode).toBe('INVALID_FIELD');
      const describe = await conn.sobject('Task').describe();
      expect(describe.fields.some((f) => f.name === 'RecordTypeId')).toBe(false);
      expect(describe.recordTypeInfos).toEqual([
        expect.objectContaining({
          developerName: 'Master',
          master: true,
          available: true,
          defaultRecordTypeMapping: true,
          recordTypeId: '012000000000000AAA',
        }),
      ]);
    });

    it('record types are created through the admin API and refused when they name unknown or closed default statuses', async () => {
      const created = await h.admin<{ Id: string; default: boolean }>(
        'POST',
        `/salesforce/orgs/${orgId}/record-types`,
        {
          developerName: 'Sales',
          name: 'Sales Task',
          statuses: ['Not Started', 'Completed'],
          defaultStatus: 'Not Started',
        },
      );
      expect(created).toMatchObject({ status: 201, body: { default: true } });
      sales = created.body.Id;
      support = (
        await h.admin<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/record-types`, {
          developerName: 'Support',
          name: 'Support Task',
          statuses: ['In Progress', 'Waiting on someone else', 'Completed'],
          defaultStatus: 'In Progress',
        })
      ).body.Id;
      const unknown = await h.admin('POST', `/salesforce/orgs/${orgId}/record-types`, {
        developerName: 'Other',
        name: 'Other',
        statuses: ['Lost'],
        defaultStatus: 'Lost',
      });
      const closed = await h.admin('POST', `/salesforce/orgs/${orgId}/record-types`, {
        developerName: 'Other',
        name: 'Other',
        statuses: ['Completed'],
        defaultStatus: 'Completed',
      });
      const twice = await h.admin('POST', `/salesforce/orgs/${orgId}/record-types`, {
        developerName: 'sales',
        name: 'Again',
        statuses: ['Completed', 'Deferred'],
        defaultStatus: 'Deferred',
      });
      expect([unknown.status, closed.status, twice.status]).toEqual([400, 400, 400]);
    });

    it("SOQL reads RecordType WHERE SobjectType = 'Task'", async () => {
      const rows = (
        await conn.query<{ Id: string; DeveloperName: string; Name: string }>(
          "SELECT Id, DeveloperName, Name FROM RecordType WHERE SobjectType = 'Task' ORDER BY DeveloperName",
        )
      ).records;
      expect(rows.map((r) => [r.Id, r.DeveloperName, r.Name])).toEqual([
        [sales, 'Sales', 'Sales Task'],
        [support, 'Support', 'Support Task'],
      ]);
    });

    it("a create without RecordTypeId takes the user's default record type and its default status", async () => {
      const orgDefault = await conn.sobject('Task').create({ Subject: 'org default' });
      expect(await conn.sobject('Task').retrieve(orgDefault.id as string)).toMatchObject({
        RecordTypeId: sales,
        Status: 'Not Started',
      });

      expect(
        (await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${userId}/record-type`, { developerName: 'Support' }))
          .status,
      ).toBe(200);
      const own = await conn.sobject('Task').create({ Subject: 'user default' });
      const rows = (
        await conn.query<TaskRow & { RecordType: { DeveloperName: string } }>(
          `SELECT RecordTypeId, RecordType.DeveloperName, Status FROM Task WHERE Id = '${own.id}'`,
        )
      ).records;
      expect(rows[0]).toMatchObject({
        RecordTypeId: support,
        Status: 'In Progress',
        RecordType: { DeveloperName: 'Support' },
      });

      const named = await conn.sobject('Task').create({ Subject: 'named', RecordTypeId: sales, Status: 'Completed' });
      expect(await conn.sobject('Task').retrieve(named.id as string)).toMatchObject({
        RecordTypeId: sales,
        Status: 'Completed',
        IsClosed: true,
      });
    });

    it("a Status the task's record type does not allow is INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, on create, update and when the record type changes", async () => {
      const onCreate = await errorOf(
        conn.sobject('Task').create({ Subject: 'x', RecordTypeId: sales, Status: 'In Progress' }),
      );
      expect(onCreate).toMatchObject({
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        message: 'Status: bad value for restricted picklist field: In Progress',
      });
      expect((onCreate.data as { fields?: string[] }).fields).toEqual(['Status']);

      const { id } = await conn.sobject('Task').create({ Subject: 'support task' });
      const onUpdate = await errorOf(conn.sobject('Task').update({ Id: id as string, Status: 'Not Started' }));
      expect(onUpdate.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      const onMove = await errorOf(conn.sobject('Task').update({ Id: id as string, RecordTypeId: sales }));
      expect(onMove.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      await conn.sobject('Task').update({ Id: id as string, RecordTypeId: sales, Status: 'Completed' });
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({
        RecordTypeId: sales,
        Status: 'Completed',
      });

      // In sObject Collections the refusal is that record's own error.
      const results = await conn.sobject('Task').create([
        { Subject: 'ok', RecordTypeId: support, Status: 'Waiting on someone else' },
        { Subject: 'bad', RecordTypeId: support, Status: 'Deferred' },
      ]);
      expect(results.map((r) => r.success)).toEqual([true, false]);
      expect(errorsOf(results[1])).toEqual([
        {
          statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: 'Status: bad value for restricted picklist field: Deferred',
          fields: ['Status'],
        },
      ]);
    });

    it("a RecordTypeId that is not one of the org's Task record types is INVALID_CROSS_REFERENCE_KEY", async () => {
      const error = await errorOf(conn.sobject('Task').create({ Subject: 'x', RecordTypeId: '012000000000099AAA' }));
      expect(error).toMatchObject({
        errorCode: 'INVALID_CROSS_REFERENCE_KEY',
        message: "Record Type ID: this ID value isn't valid for the user: 012000000000099AAA",
      });
    });

    it("describe answers recordTypeInfos (the caller's default marked, Master no longer available), RecordTypeId, and Status's values for all record types", async () => {
      const describe = await conn.sobject('Task').describe();
      expect(
        describe.recordTypeInfos.map((r) => [
          r.name,
          (r as { developerName?: string }).developerName,
          r.master,
          r.available,
          r.defaultRecordTypeMapping,
          r.recordTypeId,
        ]),
      ).toEqual([
        ['Sales Task', 'Sales', false, true, false, sales],
        ['Support Task', 'Support', false, true, true, support],
        ['Master', 'Master', true, false, false, '012000000000000AAA'],
      ]);
      expect(describe.fields.find((f) => f.name === 'RecordTypeId')).toMatchObject({
        type: 'reference',
        referenceTo: ['RecordType'],
        relationshipName: 'RecordType',
        createable: true,
        updateable: true,
        nillable: true,
      });
      // Salesforce's describe lists every value; which ones a record type allows is in describe/layouts and the UI API only.
      expect(describe.fields.find((f) => f.name === 'Status')?.picklistValues?.map((p) => p.value)).toEqual([
        'Not Started',
        'In Progress',
        'Completed',
        'Waiting on someone else',
        'Deferred',
      ]);
    });

    it("the UI API's picklist values answer the Status values each record type allows and its default; Master answers all of them", async () => {
      type PicklistValues = { defaultValue: { value: string } | null; values: { value: string; label: string }[] };
      const ask = (recordTypeId: string, field = 'Status') =>
        conn.request<PicklistValues>(
          `/services/data/v62.0/ui-api/object-info/Task/picklist-values/${recordTypeId}/${field}`,
        );
      const ofSupport = await ask(support);
      expect([ofSupport.defaultValue?.value, ofSupport.values.map((v) => v.value)]).toEqual([
        'In Progress',
        ['In Progress', 'Completed', 'Waiting on someone else'],
      ]);
      const ofSales = await ask(sales);
      expect([ofSales.defaultValue?.value, ofSales.values.map((v) => v.value)]).toEqual([
        'Not Started',
        ['Not Started', 'Completed'],
      ]);
      const ofMaster = await ask('012000000000000AAA');
      expect([ofMaster.defaultValue?.value, ofMaster.values.length]).toEqual(['Not Started', 5]);
      expect((await ask(sales, 'Priority')).values.map((v) => v.value)).toEqual(['High', 'Normal', 'Low']);
      expect((await errorOf(ask('012000000000099AAA'))).errorCode).toBe('NOT_FOUND');
    });

    it('the admin API lists the record types with their statuses and assigned users; an unknown record type is a 400', async () => {
      const list = (
        await h.admin<{ DeveloperName: string; statuses: string[]; users: string[] }[]>(
          'GET',
          `/salesforce/orgs/${orgId}/record-types`,
        )
      ).body;
      expect(list.map((r) => [r.DeveloperName, r.statuses.length, r.users])).toEqual([
        ['Sales', 2, []],
        ['Support', 3, [userId]],
      ]);
      expect(
        (await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${userId}/record-type`, { developerName: 'Nope' }))
          .status,
      ).toBe(400);
    });

    it('a Task Status list may not drop a value a record type uses', async () => {
      const res = await h.admin<{ message: string }>(
        'PUT',
        `/salesforce/orgs/${orgId}/task-statuses`,
        RENAMED_STATUSES,
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/record type Sales uses Not Started, Completed/);
    });
  });

  describe('validation rules', () => {
    let orgId: string;
    let conn: Connection;
    const count = async () => (await conn.query('SELECT COUNT() FROM Task')).totalSize;
    const events = async () =>
      (await h.admin<ChangeEventData[]>('GET', `/salesforce/orgs/${orgId}/change-events`)).body.length;
    beforeAll(async () => {
      ({ orgId, conn } = await newOrg(h, 'Validation'));
      const rules = [
        {
          name: 'Subject_Required',
          field: 'Subject',
          condition: 'isBlank',
          message: 'A task needs a subject.',
          errorField: 'Subject',
        },
        {
          name: 'No_Past_Due_Date',
          field: 'ActivityDate',
          condition: 'dateBefore',
          value: 'TODAY',
          message: 'The due date cannot be in the past.',
        },
        {
          name: 'Not_Low',
          field: 'Priority',
          condition: 'equals',
          value: 'Low',
          message: 'Low priority is not allowed.',
          active: false,
        },
      ];
      for (const rule of rules)
        expect((await h.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, rule)).status).toBe(201);
    });

    it('bad rules are refused: unknown field, a date condition on a text field, a name taken', async () => {
      const unknown = await h.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, {
        name: 'X',
        field: 'Nope__c',
        condition: 'isBlank',
        message: 'm',
      });
      const notDate = await h.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, {
        name: 'X',
        field: 'Subject',
        condition: 'dateBefore',
        value: 'TODAY',
        message: 'm',
      });
      const taken = await h.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, {
        name: 'subject_required',
        field: 'Subject',
        condition: 'isBlank',
        message: 'm',
      });
      expect([unknown.status, notDate.status, taken.status]).toEqual([400, 400, 400]);
    });

    it('a create that fails a rule is FIELD_CUSTOM_VALIDATION_EXCEPTION with its message and errorField; nothing is written', async () => {
      const [tasks, changes] = [await count(), await events()];
      const error = await errorOf(conn.sobject('Task').create({ Description: 'no subject' }));
      expect(error).toMatchObject({
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'A task needs a subject.',
      });
      expect((error.data as { fields?: string[] }).fields).toEqual(['Subject']);
      const noField = await errorOf(conn.sobject('Task').create({ Subject: 'late', ActivityDate: '2026-11-23' }));
      expect(noField.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      expect(noField.data).toEqual({
        message: 'The due date cannot be in the past.',
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      });
      expect([await count(), await events()]).toEqual([tasks, changes]);
    });

    it('every failed rule is answered, in definition order (jsforce reports MULTIPLE_API_ERRORS)', async () => {
      const error = await errorOf(conn.sobject('Task').create({ Subject: '', ActivityDate: '2026-01-01' }));
      expect(error.errorCode).toBe('MULTIPLE_API_ERRORS');
      expect(error.data).toEqual([
        { message: 'A task needs a subject.', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Subject'] },
        { message: 'The due date cannot be in the past.', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' },
      ]);
    });

    it('updates and upserts are checked against the resulting record; an inactive rule is not', async () => {
      const { id } = await conn
        .sobject('Task')
        .create({ Subject: 'valid', ActivityDate: '2026-11-24', Priority: 'Low' });
      const update = await errorOf(
        conn.sobject('Task').update({ Id: id as string, Subject: null, Description: 'changed' }),
      );
      expect(update.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({ Subject: 'valid', Description: null });
      // The stored subject makes the record valid although the write does not name it.
      await conn.sobject('Task').update({ Id: id as string, Description: 'fine' });

      await conn
        .sobject('Task')
        .upsert({ SalesConnect_Task_Id__c: 'v-1', Subject: 'from the sync' }, 'SalesConnect_Task_Id__c');
      const upsert = await errorOf(
        conn
          .sobject('Task')
          .upsert({ SalesConnect_Task_Id__c: 'v-1', ActivityDate: '2020-01-01' }, 'SalesConnect_Task_Id__c'),
      );
      expect(upsert.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      const created = await errorOf(
        conn.sobject('Task').upsert({ SalesConnect_Task_Id__c: 'v-2' }, 'SalesConnect_Task_Id__c'),
      );
      expect(created.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    });

    it('sObject Collections answer a per-record error (every failed rule); allOrNone rolls back the rest', async () => {
      const results = await conn
        .sobject('Task')
        .create([{ Subject: 'one' }, { Subject: null, ActivityDate: '2020-01-01' }, { Subject: 'three' }]);
      expect(results.map((r) => r.success)).toEqual([true, false, true]);
      expect(errorsOf(results[1])).toEqual([
        { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'A task needs a subject.', fields: ['Subject'] },
        { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'The due date cannot be in the past.', fields: [] },
      ]);
      const upserted = await conn
        .sobject('Task')
        .upsert(
          [{ SalesConnect_Task_Id__c: 'v-3', Subject: 'ok' }, { SalesConnect_Task_Id__c: 'v-4' }],
          'SalesConnect_Task_Id__c',
        );
      expect(upserted.map((r) => [r.success, (r as { created?: boolean }).created])).toEqual([
        [true, true],
        [false, false],
      ]);
      expect(errorsOf(upserted[1])[0].statusCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');

      const tasks = await count();
      const all = await conn.requestPost<SaveResult[]>('/composite/sobjects', {
        allOrNone: true,
        records: [
          { attributes: { type: 'Task' }, Subject: 'kept?' },
          { attributes: { type: 'Task' }, Subject: '' },
        ],
      });
      expect(all.map((r) => errorsOf(r)[0].statusCode)).toEqual([
        'ALL_OR_NONE_OPERATION_ROLLED_BACK',
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      ]);
      expect(await count()).toBe(tasks);
    });

    it('a deleted rule no longer fires; deleting an unknown one is a 404', async () => {
      expect((await h.admin('DELETE', `/salesforce/orgs/${orgId}/validation-rules/Subject_Required`)).status).toBe(204);
      expect((await h.admin('DELETE', `/salesforce/orgs/${orgId}/validation-rules/Subject_Required`)).status).toBe(404);
      const { success } = await conn.sobject('Task').create({ Description: 'no subject, no rule' });
      expect(success).toBe(true);
      const left = (await h.admin<{ name: string }[]>('GET', `/salesforce/orgs/${orgId}/validation-rules`)).body;
      expect(left.map((r) => r.name)).toEqual(['No_Past_Due_Date', 'Not_Low']);
    });
  });

  describe('the Task trigger', () => {
    let orgId: string;
    let conn: Connection;
    const changeEvents = async () =>
      (await h.admin<ChangeEventData[]>('GET', `/salesforce/orgs/${orgId}/change-events`)).body;
    beforeAll(async () => ({ orgId, conn } = await newOrg(h, 'Trigger')));

    it('a trigger on an unknown field, a read-only one, or with a value the field refuses is a 400', async () => {
      const unknown = await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, { field: 'Nope', set: 'x' });
      const readOnly = await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, { field: 'IsClosed', set: true });
      const badValue = await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, {
        field: 'Priority',
        set: 'Urgent',
      });
      const noSuffix = await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, {
        field: 'Subject',
        set: 'appendSuffix',
      });
      expect([unknown.status, readOnly.status, badValue.status, noSuffix.status]).toEqual([400, 400, 400, 400]);
    });

    it("a write by the sync comes back changed: the stored record and its change event carry the trigger's edit, stamped once", async () => {
      expect(
        (
          await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, {
            field: 'Subject',
            set: 'appendSuffix',
            suffix: ' [edited]',
          })
        ).status,
      ).toBe(200);
      const before = (await changeEvents()).length;
      const { id } = await conn.sobject('Task').create({ Subject: 'Call' });
      const created = (
        await conn.query<TaskRow>(
          `SELECT Subject, CreatedDate, LastModifiedDate, SystemModstamp FROM Task WHERE Id = '${id}'`,
        )
      ).records[0];
      expect(created.Subject).toBe('Call [edited]');
      expect(new Set([created.CreatedDate, created.LastModifiedDate, created.SystemModstamp]).size).toBe(1);

      h.sandbox.clock.advance(5000);
      await conn.sobject('Task').update({ Id: id as string, Priority: 'High' });
      const updated = (
        await conn.query<TaskRow>(
          `SELECT Subject, Priority, LastModifiedDate, SystemModstamp FROM Task WHERE Id = '${id}'`,
        )
      ).records[0];
      expect(updated).toMatchObject({ Subject: 'Call [edited] [edited]', Priority: 'High' });
      expect(updated.LastModifiedDate).toBe(updated.SystemModstamp);

      const events = (await changeEvents()).slice(before);
      expect(events.map((e) => e.payload.ChangeEventHeader.changeType)).toEqual(['CREATE', 'UPDATE']);
      expect(events[0].payload.Subject).toBe('Call [edited]');
      expect(events[0].payload.ChangeEventHeader.changeOrigin).toMatch(/;client=tasksync$/);
      expect(events[1].payload.ChangeEventHeader.changedFields).toEqual(
        expect.arrayContaining(['Subject', 'Priority', 'LastModifiedDate']),
      );
      expect(events[1].payload.Subject).toBe('Call [edited] [edited]');
      const log = (
        await h.admin<{ taskId: string; changedFields: string[] }[]>('GET', `/salesforce/orgs/${orgId}/changes`)
      ).body.filter((c) => c.taskId === id);
      expect(log.map((c) => c.changedFields)).toEqual([['Subject'], ['Priority', 'Subject']]);
    });

    it('a fixed value replaces the trigger, validation rules see its edit, and DELETE removes it', async () => {
      await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, { field: 'Priority', set: 'Low' });
      const { id } = await conn.sobject('Task').create({ Subject: 'fixed', Priority: 'High' });
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({ Subject: 'fixed', Priority: 'Low' });

      await h.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, {
        name: 'Not_Low',
        field: 'Priority',
        condition: 'equals',
        value: 'Low',
        message: 'Low priority is not allowed.',
      });
      const refused = await errorOf(conn.sobject('Task').create({ Subject: 'refused', Priority: 'High' }));
      expect(refused.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      await h.admin('DELETE', `/salesforce/orgs/${orgId}/validation-rules/Not_Low`);

      expect((await h.admin('DELETE', `/salesforce/orgs/${orgId}/task-trigger`)).status).toBe(204);
      expect((await h.admin('GET', `/salesforce/orgs/${orgId}/task-trigger`)).body).toBeNull();
      const plain = await conn.sobject('Task').create({ Subject: 'plain', Priority: 'High' });
      expect(await conn.sobject('Task').retrieve(plain.id as string)).toMatchObject({
        Subject: 'plain',
        Priority: 'High',
      });
    });

    it('a suffix that makes the field too long is STRING_TOO_LONG', async () => {
      await h.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, {
        field: 'Subject',
        set: 'appendSuffix',
        suffix: 'x'.repeat(10),
      });
      const error = await errorOf(conn.sobject('Task').create({ Subject: 's'.repeat(250) }));
      expect(error.errorCode).toBe('STRING_TOO_LONG');
      await h.admin('DELETE', `/salesforce/orgs/${orgId}/task-trigger`);
    });
  });
});

describe('org rules in snapshots', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfsb-rules-'));
  const file = path.join(dir, 'state.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('statuses, record types and assignments, validation rules and the trigger survive a restart; older snapshots load with none', async () => {
    const first = await startHarness({ snapshotFile: file });
    const { orgId, userId } = await newOrg(first, 'Snapshot');
    await first.admin('PUT', `/salesforce/orgs/${orgId}/task-statuses`, RENAMED_STATUSES);
    const rt = (
      await first.admin<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/record-types`, {
        developerName: 'Field',
        name: 'Field',
        statuses: ['Open', 'Done'],
        defaultStatus: 'Open',
      })
    ).body;
    await first.admin('PUT', `/salesforce/orgs/${orgId}/users/${userId}/record-type`, { recordTypeId: rt.Id });
    await first.admin('POST', `/salesforce/orgs/${orgId}/validation-rules`, {
      name: 'No_Description',
      field: 'Description',
      condition: 'notBlank',
      message: 'Descriptions are not allowed.',
    });
    await first.admin('PUT', `/salesforce/orgs/${orgId}/task-trigger`, {
      field: 'Subject',
      set: 'appendSuffix',
      suffix: '!',
    });
    await first.close();

    const second = await startHarness({ snapshotFile: file });
    try {
      const conn = await second.login('snapshot@rules.test', 'pw');
      const { id } = await conn.sobject('Task').create({ Subject: 'after restart' });
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({
        Subject: 'after restart!',
        Status: 'Open',
        RecordTypeId: rt.Id,
      });
      expect((await errorOf(conn.sobject('Task').create({ Subject: 'x', Description: 'x' }))).errorCode).toBe(
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      );
      const statuses = (
        await conn.query<{ ApiName: string; SortOrder: number }>(
          'SELECT ApiName, SortOrder FROM TaskStatus ORDER BY SortOrder',
        )
      ).records;
      expect(statuses.map((s) => [s.ApiName, s.SortOrder])).toEqual([
        ['Open', 10],
        ['Done', 20],
        ['Cancelled', 30],
      ]);
      const describe = await conn.sobject('Task').describe();
      expect(describe.recordTypeInfos.find((r) => r.defaultRecordTypeMapping)?.recordTypeId).toBe(rt.Id);
      expect(describe.fields.find((f) => f.name === 'Status')?.picklistValues?.map((p) => p.value)).toEqual([
        'Open',
        'Done',
        'Cancelled',
      ]);
    } finally {
      await second.close();
    }

    // A snapshot written before org rules and SortOrder existed.
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      store: { orgs: { id: string; rules?: unknown; taskStatuses: Record<string, unknown>[] }[] };
    };
    for (const org of saved.store.orgs) {
      delete org.rules;
      for (const row of org.taskStatuses) delete row.SortOrder;
    }
    writeFileSync(file, JSON.stringify(saved));
    const third = await startHarness({ snapshotFile: file });
    try {
      const conn = await third.login('snapshot@rules.test', 'pw');
      const { id } = await conn.sobject('Task').create({ Subject: 'plain', Description: 'allowed again' });
      expect(await conn.sobject('Task').retrieve(id as string)).toMatchObject({ Subject: 'plain', Status: 'Open' });
      expect((await conn.query('SELECT Id FROM RecordType')).totalSize).toBe(0);
      const statuses = (await conn.query<{ SortOrder: number }>('SELECT SortOrder FROM TaskStatus ORDER BY SortOrder'))
        .records;
      expect(statuses.map((s) => s.SortOrder)).toEqual([1, 2, 3]);
    } finally {
      await third.close();
    }
  });
});
