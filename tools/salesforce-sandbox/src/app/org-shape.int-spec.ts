import type { Connection } from 'jsforce';
import { API_VERSION, errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

interface Row {
  Id: string;
  Subject: string | null;
  [field: string]: unknown;
}

/** An org shaped the way an administrator shapes Setup: Task's fields, custom fields, field-level security. */
describe('org shaping through /__admin, driven by jsforce', () => {
  let h: Harness;
  let orgId: string;
  /** The org's admin (View All Data) and a rep, both of the shaped org. */
  let admin: Connection;
  let rep: Connection;
  let repId: string;
  let adminId: string;
  const path = (rest: string) => `/salesforce/orgs/${orgId}${rest}`;
  const addField = (body: Record<string, unknown>) =>
    h.admin<Record<string, unknown>>('POST', path('/sobjects/Task/fields'), body);
  const setSecurity = (userId: string, Task: { hidden?: string[]; readOnly?: string[] }) =>
    h.admin<unknown>('PUT', path(`/users/${userId}/field-security`), { Task });

  beforeAll(async () => {
    h = await startHarness();
    orgId = (await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name: 'Shaped Org' })).body.id;
    adminId = (
      await h.admin<{ Id: string }>('POST', path('/users'), { username: 'admin@shaped.test', viewAllData: true })
    ).body.Id;
    repId = (await h.admin<{ Id: string }>('POST', path('/users'), { username: 'rep@shaped.test' })).body.Id;
    admin = await h.login('admin@shaped.test', 'sandbox');
    rep = await h.login('rep@shaped.test', 'sandbox');
  });
  afterAll(() => h.close());

  describe("a real org's standard Task fields, in every org", () => {
    it('describe shows AccountId, IsArchived, IsRecurrence, RecurrenceActivityId, the reminder and call fields as Salesforce reports them', async () => {
      const describe = await rep.sobject('Task').describe();
      const field = (name: string) => describe.fields.find((f) => f.name === name);
      expect(field('AccountId')).toMatchObject({
        label: 'Account ID',
        type: 'reference',
        referenceTo: ['Account'],
        relationshipName: 'Account',
        createable: false,
        updateable: false,
        nillable: true,
      });
      expect(field('IsArchived')).toMatchObject({
        label: 'Archived',
        type: 'boolean',
        createable: false,
        defaultedOnCreate: true,
        nillable: false,
      });
      expect(field('IsRecurrence')).toMatchObject({
        label: 'Create Recurring Series of Tasks',
        type: 'boolean',
        createable: true,
        updateable: false,
        defaultedOnCreate: true,
      });
      expect(field('RecurrenceActivityId')).toMatchObject({
        label: 'Recurrence Activity ID',
        type: 'reference',
        referenceTo: ['Task'],
        createable: false,
      });
      expect(field('ReminderDateTime')).toMatchObject({
        label: 'Reminder Date/Time',
        type: 'datetime',
        createable: true,
        updateable: true,
      });
      expect(field('IsReminderSet')).toMatchObject({
        label: 'Reminder Set',
        type: 'boolean',
        createable: true,
        updateable: true,
      });
      expect(field('CallDurationInSeconds')).toMatchObject({
        label: 'Call Duration',
        type: 'int',
        digits: 8,
        soapType: 'xsd:int',
      });
      expect(field('CallType')?.picklistValues?.map((p) => p.value)).toEqual(['Internal', 'Inbound', 'Outbound']);
      expect(field('CallType')).toMatchObject({ label: 'Call Type', length: 40, restrictedPicklist: true });
      expect(field('CallDisposition')).toMatchObject({ label: 'Call Result', type: 'string', length: 255 });
      expect(field('CallObject')).toMatchObject({ label: 'Call Object Identifier', type: 'string', length: 255 });
    });

    it('new tasks get their defaults (API and admin seeding); AccountId follows an Account WhatId; int fields filter and compare as numbers', async () => {
      const account = (await h.admin<{ Id: string }>('POST', path('/accounts'), { name: 'Globex' })).body;
      const [call, plain] = await rep.sobject('Task').create([
        {
          Subject: 'std call',
          WhatId: account.Id,
          CallDurationInSeconds: 95,
          CallType: 'Outbound',
          CallDisposition: 'Left a voicemail',
          ReminderDateTime: '2026-11-24T09:00:00Z',
          IsReminderSet: true,
        },
        { Subject: 'std plain' },
      ]);
      const seeded = (await h.admin<Row>('POST', path('/tasks'), { Subject: 'std seeded', WhatId: account.Id })).body;
      expect(seeded).toMatchObject({
        IsArchived: false,
        IsRecurrence: false,
        IsReminderSet: false,
        AccountId: account.Id,
        CallType: null,
      });

      const rows = (
        await rep.query<Row>(
          "SELECT Subject, AccountId, Account.Name, IsArchived, IsRecurrence, IsReminderSet, ReminderDateTime, CallDurationInSeconds, CallType FROM Task WHERE Subject LIKE 'std %' ORDER BY Subject",
        )
      ).records;
      expect(
        rows.map((r) => ({
          ...r,
          attributes: undefined,
          Account: (r.Account as { Name: string } | null)?.Name ?? null,
        })),
      ).toEqual([
        {
          Subject: 'std call',
          AccountId: account.Id,
          Account: 'Globex',
          IsArchived: false,
          IsRecurrence: false,
          IsReminderSet: true,
          ReminderDateTime: '2026-11-24T09:00:00.000+0000',
          CallDurationInSeconds: 95,
          CallType: 'Outbound',
        },
        {
          Subject: 'std plain',
          AccountId: null,
          Account: null,
          IsArchived: false,
          IsRecurrence: false,
          IsReminderSet: false,
          ReminderDateTime: null,
          CallDurationInSeconds: null,
          CallType: null,
        },
        {
          Subject: 'std seeded',
          AccountId: account.Id,
          Account: 'Globex',
          IsArchived: false,
          IsRecurrence: false,
          IsReminderSet: false,
          ReminderDateTime: null,
          CallDurationInSeconds: null,
          CallType: null,
        },
      ]);
      expect(
        (
          await rep.query<Row>("SELECT Id FROM Task WHERE CallDurationInSeconds > 60 AND Subject LIKE 'std %'")
        ).records.map((r) => r.Id),
      ).toEqual([call.id]);
      // The admin listing writes every date-time of the org's schema as the API does, not only the audit ones.
      const listed = (await h.admin<Row[]>('GET', path('/tasks'))).body.find((t) => t.Id === call.id);
      expect(listed).toMatchObject({ ReminderDateTime: '2026-11-24T09:00:00.000+0000' });
      expect((await errorOf(rep.query("SELECT Id FROM Task WHERE CallDurationInSeconds = '60'"))).message).toContain(
        'must be of type integer and should not be enclosed in quotes',
      );

      // Moving WhatId away empties AccountId.
      await rep.sobject('Task').update({ Id: call.id as string, WhatId: null });
      expect((await rep.sobject('Task').retrieve(call.id as string)) as unknown as Row).toMatchObject({
        AccountId: null,
      });
      expect(plain.success).toBe(true);
    });

    it('the read-only and create-only ones are refused as Salesforce refuses them', async () => {
      const [created] = await rep.sobject('Task').create([{ Subject: 'std recurring', IsRecurrence: false }]);
      expect((await errorOf(rep.sobject('Task').update({ Id: created.id as string, IsRecurrence: true }))).name).toBe(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
      );
      for (const body of [{ IsArchived: true }, { AccountId: null }, { RecurrenceActivityId: null }]) {
        expect((await errorOf(rep.sobject('Task').create({ Subject: 'std read-only', ...body }))).name).toBe(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
        );
      }
      expect((await errorOf(rep.sobject('Task').create({ Subject: 'std', CallType: 'Sideways' }))).name).toBe(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      );
      expect(
        (await errorOf(rep.sobject('Task').create({ Subject: 'std', CallDurationInSeconds: 123_456_789 }))).name,
      ).toBe('NUMBER_OUTSIDE_VALID_RANGE');
      expect((await errorOf(rep.sobject('Task').create({ Subject: 'std', CallDurationInSeconds: 'long' }))).name).toBe(
        'JSON_PARSER_ERROR',
      );
    });
  });

  describe('custom fields (POST / GET / DELETE /orgs/:orgId/sobjects/Task/fields)', () => {
    it('a custom field is described, written, queried and sent in change events in its org only; deleting it takes its values', async () => {
      const added = await addField({ name: 'Region__c', label: 'Region', type: 'string', length: 20 });
      expect(added).toMatchObject({
        status: 201,
        body: { name: 'Region__c', custom: true, externalId: false, unique: false, nillable: true },
      });
      expect((await addField({ name: 'region__C', type: 'string' })).status).toBe(400);
      expect((await addField({ name: 'Region', type: 'string' })).status).toBe(400);
      const listed = (await h.admin<{ name: string; custom: boolean }[]>('GET', path('/sobjects/Task/fields'))).body;
      expect(listed.filter((f) => f.custom).map((f) => f.name)).toEqual(['SalesConnect_Task_Id__c', 'Region__c']);

      const describe = await rep.sobject('Task').describe();
      expect(describe.fields.find((f) => f.name === 'Region__c')).toMatchObject({
        custom: true,
        label: 'Region',
        length: 20,
        externalId: false,
        unique: false,
        nillable: true,
        permissionable: true,
      });

      const created = await rep.sobject('Task').create({ Subject: 'cf one', Region__c: 'EMEA' });
      expect((await errorOf(rep.sobject('Task').create({ Subject: 'cf long', Region__c: 'x'.repeat(21) }))).name).toBe(
        'STRING_TOO_LONG',
      );
      expect(
        (await rep.query<Row>("SELECT Subject, Region__c FROM Task WHERE Region__c = 'emea'")).records.map((r) => [
          r.Subject,
          r.Region__c,
        ]),
      ).toEqual([['cf one', 'EMEA']]);
      const events = (
        await h.admin<{ payload: Record<string, unknown> & { ChangeEventHeader: { recordIds: string[] } } }[]>(
          'GET',
          path('/change-events'),
        )
      ).body;
      expect(
        events.find((e) => e.payload.ChangeEventHeader.recordIds.includes(created.id as string))?.payload,
      ).toMatchObject({ Subject: 'cf one', Region__c: 'EMEA' });

      // Another org (the default one) has no such field.
      const other = await h.login();
      expect((await errorOf(other.query('SELECT Region__c FROM Task'))).name).toBe('INVALID_FIELD');
      expect((await errorOf(other.sobject('Task').create({ Subject: 'x', Region__c: 'EMEA' }))).name).toBe(
        'INVALID_FIELD',
      );

      expect((await h.admin('DELETE', path('/sobjects/Task/fields/Description'))).status).toBe(400);
      expect((await h.admin('DELETE', path('/sobjects/Task/fields/Nope__c'))).status).toBe(404);
      expect((await h.admin('DELETE', path('/sobjects/Task/fields/region__c'))).status).toBe(204);
      expect((await errorOf(rep.query('SELECT Region__c FROM Task'))).name).toBe('INVALID_FIELD');
      const stored = (await h.admin<Row[]>('GET', path('/tasks'))).body.find((t) => t.Id === created.id);
      expect(stored).toBeDefined();
      expect(stored).not.toHaveProperty('Region__c');
      // Re-created, it starts empty.
      await addField({ name: 'Region__c', type: 'string' });
      expect(((await rep.sobject('Task').retrieve(created.id as string)) as unknown as Row).Region__c).toBeNull();
    });

    it('a custom field a validation rule or the trigger uses cannot be deleted until they stop using it (Setup refuses)', async () => {
      await addField({ name: 'Segment__c', type: 'string', length: 20 });
      expect(
        (
          await h.admin('POST', path('/validation-rules'), {
            name: 'Segment_Set',
            field: 'Segment__c',
            condition: 'isBlank',
            message: 'Pick a segment',
          })
        ).status,
      ).toBe(201);
      expect((await h.admin('PUT', path('/task-trigger'), { field: 'Segment__c', set: 'SMB' })).status).toBe(200);
      const refused = await h.admin<{ error: string; message: string }>(
        'DELETE',
        path('/sobjects/Task/fields/Segment__c'),
      );
      expect(refused).toMatchObject({ status: 400, body: { error: 'FIELD_IN_USE' } });
      expect(refused.body.message).toContain('Validation Rule Segment_Set');
      expect(refused.body.message).toContain('Apex Trigger');
      // Still there, and both still act: the trigger fills it, so the rule passes.
      const created = await rep.sobject('Task').create({ Subject: 'segmented' });
      expect(((await rep.sobject('Task').retrieve(created.id as string)) as unknown as Row).Segment__c).toBe('SMB');
      expect((await h.admin('DELETE', path('/validation-rules/Segment_Set'))).status).toBe(204);
      expect((await h.admin('DELETE', path('/task-trigger'))).status).toBe(204);
      expect((await h.admin('DELETE', path('/sobjects/Task/fields/Segment__c'))).status).toBe(204);
    });

    it('upsert by a field that is not an External ID is INVALID_FIELD; SalesConnect_Task_Id__c can be deleted and re-created without External ID', async () => {
      await rep
        .sobject('Task')
        .upsert({ SalesConnect_Task_Id__c: 'sc-shape-1', Subject: 'ext one' }, 'SalesConnect_Task_Id__c');
      expect((await h.admin('DELETE', path('/sobjects/Task/fields/SalesConnect_Task_Id__c'))).status).toBe(204);
      const gone = await errorOf(
        rep.sobject('Task').upsert({ SalesConnect_Task_Id__c: 'sc-shape-1', Subject: 'x' }, 'SalesConnect_Task_Id__c'),
      );
      expect([gone.name, gone.message]).toEqual([
        'NOT_FOUND',
        'Provided external ID field does not exist or is not accessible: SalesConnect_Task_Id__c',
      ]);

      expect(
        (
          await addField({
            name: 'SalesConnect_Task_Id__c',
            label: 'Sales Connect Task Id',
            type: 'string',
            length: 64,
          })
        ).status,
      ).toBe(201);
      const single = await errorOf(
        rep.sobject('Task').upsert({ SalesConnect_Task_Id__c: 'sc-shape-1', Subject: 'x' }, 'SalesConnect_Task_Id__c'),
      );
      expect([single.name, single.message]).toEqual([
        'INVALID_FIELD',
        'Field name provided, SalesConnect_Task_Id__c is not an External ID or indexed field for Task',
      ]);
      const many = await errorOf(
        rep
          .sobject('Task')
          .upsert(
            [{ SalesConnect_Task_Id__c: 'sc-shape-1' }, { SalesConnect_Task_Id__c: 'sc-shape-2' }],
            'SalesConnect_Task_Id__c',
          ),
      );
      expect(many.name).toBe('INVALID_FIELD');
      const described = (await rep.sobject('Task').describe()).fields.find((f) => f.name === 'SalesConnect_Task_Id__c');
      expect(described).toMatchObject({ externalId: false, idLookup: false, unique: false });
      // A plain field still takes values.
      expect(
        (await rep.sobject('Task').create({ Subject: 'ext plain', SalesConnect_Task_Id__c: 'sc-shape-1' })).success,
      ).toBe(true);

      // Another External ID, a number: upsert matches by its value.
      await addField({ name: 'Legacy_Number__c', type: 'int', externalId: true });
      const first = await rep
        .sobject('Task')
        .upsert({ Legacy_Number__c: 42, Subject: 'legacy v1' }, 'Legacy_Number__c');
      const second = await rep
        .sobject('Task')
        .upsert({ Legacy_Number__c: 42, Subject: 'legacy v2' }, 'Legacy_Number__c');
      expect([(first as { created?: boolean }).created, (second as { created?: boolean }).created]).toEqual([
        true,
        false,
      ]);
      expect(
        (await rep.query<Row>('SELECT Subject FROM Task WHERE Legacy_Number__c = 42')).records.map((r) => r.Subject),
      ).toEqual(['legacy v2']);
    });

    it('a Unique field refuses a second task with the same value (DUPLICATE_VALUE), on create, update and in a Collections call', async () => {
      await addField({ name: 'Order_Ref__c', type: 'string', length: 30, externalId: true, unique: true });
      expect((await rep.sobject('Task').describe()).fields.find((f) => f.name === 'Order_Ref__c')).toMatchObject({
        externalId: true,
        unique: true,
        idLookup: true,
      });
      const first = await rep.sobject('Task').create({ Subject: 'uniq one', Order_Ref__c: 'PO-1' });
      const duplicate = await errorOf(rep.sobject('Task').create({ Subject: 'uniq two', Order_Ref__c: 'po-1' }));
      expect([duplicate.name, duplicate.message]).toEqual([
        'DUPLICATE_VALUE',
        `duplicate value found: Order_Ref__c duplicates value on record with id: ${first.id}`,
      ]);

      const second = await rep.sobject('Task').create({ Subject: 'uniq two', Order_Ref__c: 'PO-2' });
      expect((await errorOf(rep.sobject('Task').update({ Id: second.id as string, Order_Ref__c: 'PO-1' }))).name).toBe(
        'DUPLICATE_VALUE',
      );
      expect(
        (await rep.sobject('Task').update({ Id: second.id as string, Order_Ref__c: 'PO-2', Subject: 'uniq two again' }))
          .success,
      ).toBe(true);

      const batch = await rep.sobject('Task').create([
        { Subject: 'uniq three', Order_Ref__c: 'PO-3' },
        { Subject: 'uniq four', Order_Ref__c: 'PO-3' },
      ]);
      expect(batch.map((r) => r.success)).toEqual([true, false]);
      expect((batch[1] as unknown as { errors: { statusCode: string }[] }).errors[0].statusCode).toBe(
        'DUPLICATE_VALUE',
      );
      // A deleted task no longer holds its value.
      await rep.sobject('Task').destroy(first.id as string);
      expect((await rep.sobject('Task').create({ Subject: 'uniq five', Order_Ref__c: 'PO-1' })).success).toBe(true);
    });

    it('a required custom field missing on create, or emptied, is REQUIRED_FIELD_MISSING', async () => {
      await addField({ name: 'Cost_Center__c', type: 'string', required: true });
      expect((await rep.sobject('Task').describe()).fields.find((f) => f.name === 'Cost_Center__c')).toMatchObject({
        nillable: false,
        permissionable: false,
      });
      const missing = await errorOf(rep.sobject('Task').create({ Subject: 'req none' }));
      expect([missing.name, missing.message]).toEqual([
        'REQUIRED_FIELD_MISSING',
        'Required fields are missing: [Cost_Center__c]',
      ]);
      const created = await rep.sobject('Task').create({ Subject: 'req ok', Cost_Center__c: 'CC-7' });
      expect((await errorOf(rep.sobject('Task').update({ Id: created.id as string, Cost_Center__c: null }))).name).toBe(
        'REQUIRED_FIELD_MISSING',
      );
      expect((await h.admin('DELETE', path('/sobjects/Task/fields/Cost_Center__c'))).status).toBe(204);
    });
  });

  describe('field-level security (PUT /orgs/:orgId/users/:userId/field-security)', () => {
    let taskId: string;
    beforeAll(async () => {
      await addField({ name: 'Margin__c', type: 'string' });
      taskId = (
        await admin
          .sobject('Task')
          .create({ Subject: 'fls task', Description: 'secret', Margin__c: '12%', ActivityDate: '2026-11-30' })
      ).id as string;
      expect(await setSecurity(repId, { hidden: ['Description', 'margin__c'], readOnly: ['ActivityDate'] })).toEqual({
        status: 200,
        body: { Task: { hidden: ['Description', 'Margin__c'], readOnly: ['ActivityDate'] } },
      });
    });

    it("a hidden field does not exist for that user: SOQL select and where, writes, describe and retrieve (Salesforce's wording)", async () => {
      const select = await errorOf(rep.query('SELECT Id, Description FROM Task'));
      expect(select.name).toBe('INVALID_FIELD');
      expect(select.message).toContain(
        "No such column 'Description' on entity 'Task'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
      );
      expect((await errorOf(rep.query("SELECT Id FROM Task WHERE Margin__c = '12%'"))).name).toBe('INVALID_FIELD');
      expect((await errorOf(rep.query('SELECT Id FROM Task ORDER BY Description'))).name).toBe('INVALID_FIELD');
      const write = await errorOf(rep.sobject('Task').update({ Id: taskId, Description: 'changed' }));
      expect([write.name, write.message]).toEqual([
        'INVALID_FIELD',
        "No such column 'Description' on sobject of type Task",
      ]);
      const names = (await rep.sobject('Task').describe()).fields.map((f) => f.name);
      expect(names).not.toContain('Description');
      expect(names).not.toContain('Margin__c');
      const retrieved = (await rep.sobject('Task').retrieve(taskId)) as unknown as Row;
      expect(retrieved).toMatchObject({ Subject: 'fls task' });
      expect(retrieved).not.toHaveProperty('Description');
      expect(
        (
          await errorOf(
            rep.request(`/services/data/v${API_VERSION}/sobjects/Task/${taskId}?fields=Subject,Description`),
          )
        ).name,
      ).toBe('INVALID_FIELD');
      // The admin, whose security says nothing, sees them.
      expect(
        (await admin.query<Row>(`SELECT Description, Margin__c FROM Task WHERE Id = '${taskId}'`)).records[0],
      ).toMatchObject({ Description: 'secret', Margin__c: '12%' });
    });

    it('a read-only field is INVALID_FIELD_FOR_INSERT_UPDATE and described neither createable nor updateable; reads still work', async () => {
      const error = await errorOf(rep.sobject('Task').create({ Subject: 'fls ro', ActivityDate: '2026-12-01' }));
      expect([error.name, error.message]).toEqual([
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        'Unable to create fields: ActivityDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
      ]);
      expect((await rep.sobject('Task').describe()).fields.find((f) => f.name === 'ActivityDate')).toMatchObject({
        createable: false,
        updateable: false,
      });
      expect(
        (await rep.query<Row>(`SELECT ActivityDate FROM Task WHERE Id = '${taskId}'`)).records[0].ActivityDate,
      ).toBe('2026-11-30');
    });

    it('Change Data Capture delivers only the fields the subscribed user may view', async () => {
      await setSecurity(adminId, { hidden: ['Margin__c'] });
      const bayeux = async (messages: Record<string, unknown>[]) =>
        (await (
          await fetch(`${h.url}/cometd/${API_VERSION}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `OAuth ${admin.accessToken}` },
            body: JSON.stringify(messages),
          })
        ).json()) as Record<string, unknown>[];
      const [handshake] = await bayeux([
        { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
      ]);
      const clientId = handshake.clientId as string;
      await bayeux([
        {
          channel: '/meta/subscribe',
          clientId,
          subscription: '/data/TaskChangeEvent',
          ext: { replay: { '/data/TaskChangeEvent': -1 } },
        },
      ]);
      // A third user, whose security says nothing, writes the field.
      await h.admin('POST', path('/users'), { username: 'ops@shaped.test' });
      const ops = await h.login('ops@shaped.test', 'sandbox');
      const created = await ops.sobject('Task').create({ Subject: 'fls cdc' });
      await ops.sobject('Task').update({ Id: created.id as string, Margin__c: '15%', CallDisposition: 'Reached' });
      const delivered = await bayeux([
        { channel: '/meta/connect', clientId, connectionType: 'long-polling', advice: { timeout: 0 } },
      ]);
      const payloads = delivered
        .filter((m) => m.channel === '/data/TaskChangeEvent')
        .map(
          (m) =>
            (
              m.data as {
                payload: Record<string, unknown> & {
                  ChangeEventHeader: { changeType: string; changedFields: string[] };
                };
              }
            ).payload,
        );
      expect(payloads.map((p) => p.ChangeEventHeader.changeType)).toEqual(['CREATE', 'UPDATE']);
      expect(payloads[1]).toMatchObject({ CallDisposition: 'Reached' });
      expect(payloads[1]).not.toHaveProperty('Margin__c');
      expect(payloads[1].ChangeEventHeader.changedFields).not.toContain('Margin__c');
      // The retained event itself carries the field: other subscribers see it.
      const retained = (await h.admin<{ payload: Record<string, unknown> }[]>('GET', path('/change-events'))).body.at(
        -1,
      );
      expect(retained?.payload).toMatchObject({ Margin__c: '15%' });
    });

    it('View All Data does not lift field-level security; required and system fields cannot be hidden; an empty setting clears it', async () => {
      await setSecurity(adminId, { hidden: ['Margin__c'] });
      expect((await errorOf(admin.query('SELECT Margin__c FROM Task'))).name).toBe('INVALID_FIELD');
      for (const name of ['Id', 'Subject', 'Status', 'OwnerId', 'SystemModstamp', 'Nope__c']) {
        expect((await setSecurity(repId, { hidden: [name] })).status).toBe(400);
      }
      expect(
        (await h.admin('PUT', path('/users/005000000000999AAA/field-security'), { Task: { hidden: [] } })).status,
      ).toBe(400);
      expect(await setSecurity(adminId, {})).toEqual({ status: 200, body: { Task: { hidden: [], readOnly: [] } } });
      expect((await admin.query('SELECT Margin__c FROM Task')).totalSize).toBeGreaterThan(0);
    });
  });
});
