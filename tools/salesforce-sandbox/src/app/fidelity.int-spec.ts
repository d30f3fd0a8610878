import { Connection } from 'jsforce';
import { API_VERSION, errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

interface Row {
  Id: string;
  Subject: string | null;
  SystemModstamp: string;
}

/** Issue 18: where Salesforce is strict, the sandbox is too. */
describe('Salesforce fidelity through jsforce (issue 18)', () => {
  let h: Harness;
  let conn: Connection;
  let orgId: string;
  beforeAll(async () => {
    h = await startHarness();
    conn = await h.login();
    orgId = h.sandbox.defaults.orgId;
  });
  afterAll(() => h.close());

  describe('whole-second timestamps', () => {
    const at = (iso: string) => h.sandbox.clock.set(new Date(iso), { frozen: true });
    let ids: string[];

    beforeAll(async () => {
      at('2026-11-24T12:00:31.250Z');
      const first = await conn.sobject('Task').create([{ Subject: 'ws a' }, { Subject: 'ws b' }]);
      h.sandbox.clock.advance(500); // .750: the same second
      const second = await conn.sobject('Task').create([{ Subject: 'ws c' }, { Subject: 'ws d' }, { Subject: 'ws e' }]);
      ids = [...first, ...second].map((r) => r.id as string);
      h.sandbox.clock.advance(300); // 12:00:32.050
      await conn.sobject('Task').update({ Id: ids[0], Subject: 'ws a2' });
      await conn.sobject('Task').destroy(ids[4]);
    });

    it('CreatedDate, LastModifiedDate and SystemModstamp are stored and answered as …T12:00:31.000+0000; tasks of one second share a stamp', async () => {
      const rows = (
        await conn.query<Row & { CreatedDate: string; LastModifiedDate: string }>(
          "SELECT Id, CreatedDate, LastModifiedDate, SystemModstamp FROM Task WHERE Subject LIKE 'ws %' ORDER BY SystemModstamp, Id",
        )
      ).records;
      expect(rows.map((r) => [r.CreatedDate, r.LastModifiedDate, r.SystemModstamp])).toEqual([
        ...[1, 2, 3].map(() => [
          '2026-11-24T12:00:31.000+0000',
          '2026-11-24T12:00:31.000+0000',
          '2026-11-24T12:00:31.000+0000',
        ]),
        ['2026-11-24T12:00:31.000+0000', '2026-11-24T12:00:32.000+0000', '2026-11-24T12:00:32.000+0000'],
      ]);
      // An equality on the shared stamp finds all of them: what a keyset's inclusive boundary re-reads.
      const shared = await conn.query(
        `SELECT Id FROM Task WHERE SystemModstamp = 2026-11-24T12:00:31Z AND Subject LIKE 'ws %'`,
      );
      expect(shared.totalSize).toBe(3);
    });

    it('keyset paging over a shared stamp by (SystemModstamp, Id) reads each task once', async () => {
      const seen: string[] = [];
      let after: Row | null = null;
      for (;;) {
        const keyset: string = after
          ? ` AND (SystemModstamp > ${after.SystemModstamp} OR (SystemModstamp = ${after.SystemModstamp} AND Id > '${after.Id}'))`
          : '';
        const page: Row[] = (
          await conn.query<Row>(
            `SELECT Id, SystemModstamp FROM Task WHERE Subject LIKE 'ws %'${keyset} ORDER BY SystemModstamp ASC, Id ASC LIMIT 1`,
          )
        ).records;
        if (page.length === 0) break;
        seen.push(page[0].Id);
        after = page[0];
      }
      expect(seen).toHaveLength(4);
      expect(new Set(seen).size).toBe(4);
    });

    it('getUpdated lists tied tasks once each in (SystemModstamp, Id) order; getDeleted and the admin API answer whole seconds', async () => {
      at('2026-11-24T12:10:00.000Z');
      const updated = await conn
        .sobject('Task')
        .updated(new Date('2026-11-24T12:00:00Z'), new Date('2026-11-24T12:05:00Z'));
      const live = [ids[1], ids[2], ids[3]].sort();
      expect(updated.ids).toEqual([...live, ids[0]]);
      const deleted = await conn
        .sobject('Task')
        .deleted(new Date('2026-11-24T12:00:00Z'), new Date('2026-11-24T12:05:00Z'));
      expect(deleted.deletedRecords).toEqual([{ id: ids[4], deletedDate: '2026-11-24T12:00:32.000+0000' }]);
      const tasks = (
        await h.admin<{ Id: string; SystemModstamp: string; deletedAt: string | null }[]>(
          'GET',
          `/salesforce/orgs/${orgId}/tasks?since=2026-11-24T12:00:00Z`,
        )
      ).body;
      expect(
        tasks
          .filter((t) => ids.includes(t.Id))
          .every((t) => t.SystemModstamp.endsWith(':31.000+0000') || t.SystemModstamp.endsWith(':32.000+0000')),
      ).toBe(true);
      expect(tasks.find((t) => t.Id === ids[4])?.deletedAt).toBe('2026-11-24T12:00:32.000+0000');
      const changes = (
        await h.admin<{ commitTimestamp: string }[]>(
          'GET',
          `/salesforce/orgs/${orgId}/changes?since=2026-11-24T12:00:00Z`,
        )
      ).body;
      expect(changes.map((c) => c.commitTimestamp.slice(-9))).toEqual([
        '.000+0000',
        '.000+0000',
        '.000+0000',
        '.000+0000',
        '.000+0000',
        '.000+0000',
        '.000+0000',
      ]);
    });
  });

  describe('SOQL', () => {
    it('AND and OR side by side without parentheses is MALFORMED_QUERY "unexpected token: OR"', async () => {
      const soql = "SELECT Id FROM Task WHERE Status = 'Completed' AND Priority = 'High' OR IsClosed = false";
      const error = await errorOf(conn.query(soql));
      expect(error.name).toBe('MALFORMED_QUERY');
      expect(error.message).toContain(`ERROR at Row:1:Column:${soql.indexOf(' OR ') + 2}\nunexpected token: OR`);
      expect(
        (
          await conn.query(
            "SELECT Id FROM Task WHERE (Status = 'Completed' AND Priority = 'High') OR IsClosed = false LIMIT 1",
          )
        ).records,
      ).toHaveLength(1);
    });

    it('paging 5,400 tasks by `WHERE Id > :last ORDER BY Id` finds each once, in the order ORDER BY Id sorts', async () => {
      const seeded = (
        await h.admin<{ Id: string }[]>(
          'POST',
          `/salesforce/orgs/${orgId}/tasks`,
          Array.from({ length: 5400 }, (_, i) => ({ Subject: `byid ${i}` })),
        )
      ).body;
      expect(seeded).toHaveLength(5400);
      // Ids end in base-62 digits: both cases occur, so a case-insensitive sort would interleave them.
      expect(
        seeded.some((t) => /[a-z]/.test(t.Id.slice(3, 15))) && seeded.some((t) => /[A-Z]/.test(t.Id.slice(3, 15))),
      ).toBe(true);
      const paged: string[] = [];
      let last = '';
      for (;;) {
        const where = last ? ` AND Id > '${last}'` : '';
        const page = await conn.query<Row>(
          `SELECT Id FROM Task WHERE Subject LIKE 'byid %'${where} ORDER BY Id LIMIT 2000`,
        );
        if (page.records.length === 0) break;
        paged.push(...page.records.map((r) => r.Id));
        last = page.records[page.records.length - 1].Id;
      }
      expect(paged).toHaveLength(5400);
      expect(new Set(paged).size).toBe(5400);
      const sorted = await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'byid %' ORDER BY Id", {
        autoFetch: true,
        maxFetch: 10_000,
      });
      expect(sorted.records.map((r) => r.Id)).toEqual(paged);
      expect(new Set(paged)).toEqual(new Set(seeded.map((t) => t.Id)));
    });

    it("date literals are days of the running user's TimeZoneSidKey", async () => {
      const created = await h.admin<{ Id: string; TimeZoneSidKey: string }>('POST', `/salesforce/orgs/${orgId}/users`, {
        username: 'kiwi@sandbox.test',
        timeZoneSidKey: 'Pacific/Auckland',
      });
      expect(created).toMatchObject({ status: 201, body: { TimeZoneSidKey: 'Pacific/Auckland' } });
      expect(
        (
          await h.admin('POST', `/salesforce/orgs/${orgId}/users`, {
            username: 'nowhere@sandbox.test',
            timeZoneSidKey: 'Mars/Olympus',
          })
        ).status,
      ).toBe(400);
      const kiwi = await h.login('kiwi@sandbox.test', 'sandbox');
      h.sandbox.clock.set(new Date('2026-11-24T12:00:00Z'), { frozen: true }); // LA: the 24th, 04:00; Auckland: the 25th, 01:00
      await conn.sobject('Task').create([
        { Subject: 'tz 24', ActivityDate: '2026-11-24' },
        { Subject: 'tz 25', ActivityDate: '2026-11-25' },
      ]);
      const soql = "SELECT Subject FROM Task WHERE Subject LIKE 'tz %' AND ActivityDate = TODAY";
      expect((await conn.query<Row>(soql)).records.map((r) => r.Subject)).toEqual(['tz 24']);
      expect((await kiwi.query<Row>(soql)).records.map((r) => r.Subject)).toEqual(['tz 25']);
      // CreatedDate 12:00Z is "today" for both, but LAST_N_DAYS:0 in Auckland started at 11:00Z.
      h.sandbox.clock.set(new Date('2026-11-24T10:30:00Z'), { frozen: true });
      expect(
        (await kiwi.query("SELECT Id FROM Task WHERE Subject LIKE 'tz %' AND CreatedDate = YESTERDAY")).totalSize,
      ).toBe(0);
      expect(
        (await conn.query("SELECT Id FROM Task WHERE Subject LIKE 'tz %' AND CreatedDate = TODAY")).totalSize,
      ).toBe(2);
    });

    it('ORDER BY … DESC puts nulls first unless NULLS LAST', async () => {
      h.sandbox.clock.set(new Date('2026-11-26T10:00:00Z'), { frozen: true });
      await conn
        .sobject('Task')
        .create([
          { Subject: 'nulls a', ActivityDate: '2026-12-01' },
          { Subject: 'nulls b' },
          { Subject: 'nulls c', ActivityDate: '2026-12-02' },
        ]);
      const order = async (clause: string) =>
        (await conn.query<Row>(`SELECT Subject FROM Task WHERE Subject LIKE 'nulls %' ORDER BY ${clause}`)).records.map(
          (r) => r.Subject,
        );
      expect(await order('ActivityDate DESC')).toEqual(['nulls b', 'nulls c', 'nulls a']);
      expect(await order('ActivityDate ASC')).toEqual(['nulls b', 'nulls a', 'nulls c']);
      expect(await order('ActivityDate DESC NULLS LAST')).toEqual(['nulls c', 'nulls a', 'nulls b']);
    });

    it("Who.Email, Who.Name, Owner.Name and What.Name answer in Salesforce's nested shape, or null; Who.Email filters", async () => {
      const contact = (
        await h.admin<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/contacts`, {
          firstName: 'Ann',
          lastName: 'Lee',
          email: 'ann.lee@example.com',
        })
      ).body;
      const account = (await h.admin<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/accounts`, { name: 'Acme' }))
        .body;
      const [withWho, bare] = await conn
        .sobject('Task')
        .create([{ Subject: 'rel who', WhoId: contact.Id, WhatId: account.Id }, { Subject: 'rel none' }]);
      const result = await conn.query<Record<string, unknown>>(
        "SELECT Id, Who.Email, Who.Name, Owner.Name, What.Name FROM Task WHERE Subject LIKE 'rel %' ORDER BY Subject DESC",
      );
      const v = `/services/data/v${API_VERSION}`;
      const owner = {
        attributes: { type: 'Name', url: `${v}/sobjects/User/${h.sandbox.defaults.userId}` },
        Name: 'Sandbox Rep',
      };
      expect(result.records).toEqual([
        {
          attributes: { type: 'Task', url: `${v}/sobjects/Task/${withWho.id}` },
          Id: withWho.id,
          Who: {
            attributes: { type: 'Name', url: `${v}/sobjects/Contact/${contact.Id}` },
            Email: 'ann.lee@example.com',
            Name: 'Ann Lee',
          },
          Owner: owner,
          What: { attributes: { type: 'Name', url: `${v}/sobjects/Account/${account.Id}` }, Name: 'Acme' },
        },
        {
          attributes: { type: 'Task', url: `${v}/sobjects/Task/${bare.id}` },
          Id: bare.id,
          Who: null,
          Owner: owner,
          What: null,
        },
      ]);
      const filtered = await conn.query<Row>(
        "SELECT Subject FROM Task WHERE Who.Email = 'ANN.LEE@example.com' AND What.Name LIKE 'Ac%'",
      );
      expect(filtered.records.map((r) => r.Subject)).toEqual(['rel who']);
      expect((await errorOf(conn.query('SELECT Id, Whom.Email FROM Task'))).name).toBe('INVALID_FIELD');
    });

    it('the server can answer shorter pages than asked (PUT /__admin/salesforce/orgs/:orgId/query-page-size), with nextRecordsUrl as usual', async () => {
      expect((await h.admin('PUT', `/salesforce/orgs/${orgId}/query-page-size`, { queryPageSize: 300 })).status).toBe(
        200,
      );
      const first = await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'byid %'");
      expect(first.records).toHaveLength(300);
      expect(first.totalSize).toBe(5400);
      expect(first.nextRecordsUrl).toMatch(/-300$/);
      const all = await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'byid %'", {
        autoFetch: true,
        maxFetch: 10_000,
      });
      expect(new Set(all.records.map((r) => r.Id)).size).toBe(5400);
      await h.admin('PUT', `/salesforce/orgs/${orgId}/query-page-size`, { queryPageSize: null });
      expect((await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'byid %'")).records).toHaveLength(2000);
    });
  });

  describe('the smaller differences', () => {
    it('failed items of a Collections upsert carry created: false (and no id)', async () => {
      const results = (await conn.sobject('Task').upsert(
        [
          { SalesConnect_Task_Id__c: 'fid-1', Subject: 'ok' },
          { SalesConnect_Task_Id__c: 'fid-2', Status: 'Nope' },
        ],
        'SalesConnect_Task_Id__c',
      )) as unknown as Record<string, unknown>[];
      expect(results[0]).toMatchObject({ success: true, created: true });
      expect(results[1]).toEqual({
        success: false,
        created: false,
        errors: [expect.objectContaining({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' })],
      });
    });

    it('an upsert that updates answers 204 with no body below API 46.0 and 200 with a body from 46.0', async () => {
      await conn.sobject('Task').upsert({ SalesConnect_Task_Id__c: 'fid-v', Subject: 'v1' }, 'SalesConnect_Task_Id__c');
      const old = new Connection({
        instanceUrl: conn.instanceUrl,
        accessToken: conn.accessToken as string,
        version: '45.0',
      });
      // jsforce answers its own `{success, errors}` for a 204: nothing came from the server.
      expect(
        await old
          .sobject('Task')
          .upsert({ SalesConnect_Task_Id__c: 'fid-v', Subject: 'v2' }, 'SalesConnect_Task_Id__c'),
      ).toEqual({ success: true, errors: [] });
      const raw = await fetch(`${conn.instanceUrl}/services/data/v45.0/sobjects/Task/SalesConnect_Task_Id__c/fid-v`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ Subject: 'v3' }),
      });
      expect([raw.status, await raw.text()]).toEqual([204, '']);
      const created = await old
        .sobject('Task')
        .upsert({ SalesConnect_Task_Id__c: 'fid-w', Subject: 'w' }, 'SalesConnect_Task_Id__c');
      expect(created).toEqual({ id: expect.any(String), success: true, errors: [] }); // `created` only from 46.0
      expect(
        await conn
          .sobject('Task')
          .upsert({ SalesConnect_Task_Id__c: 'fid-v', Subject: 'v4' }, 'SalesConnect_Task_Id__c'),
      ).toEqual({
        id: expect.any(String),
        success: true,
        errors: [],
        created: false,
      });
    });

    it('an upsert whose body also carries the external id field is refused', async () => {
      const error = await errorOf(
        conn.request({
          method: 'PATCH',
          url: `/services/data/v${API_VERSION}/sobjects/Task/SalesConnect_Task_Id__c/fid-body`,
          body: JSON.stringify({ SalesConnect_Task_Id__c: 'fid-body', Subject: 'x' }),
          headers: { 'content-type': 'application/json' },
        }),
      );
      expect(error.name).toBe('INVALID_FIELD');
      expect((await conn.query("SELECT Id FROM Task WHERE SalesConnect_Task_Id__c = 'fid-body'")).totalSize).toBe(0);
    });

    it('identity() reads the version resource directory; describeGlobal() lists the objects', async () => {
      const bare = new Connection({
        instanceUrl: conn.instanceUrl,
        accessToken: conn.accessToken as string,
        version: API_VERSION,
      });
      const identity = await bare.identity();
      expect(identity).toMatchObject({
        user_id: h.sandbox.defaults.userId,
        organization_id: orgId,
        username: 'rep@sandbox.test',
      });
      const directory = await bare.request<Record<string, string>>(`/services/data/v${API_VERSION}`);
      expect(directory).toMatchObject({
        sobjects: `/services/data/v${API_VERSION}/sobjects`,
        query: `/services/data/v${API_VERSION}/query`,
        limits: `/services/data/v${API_VERSION}/limits`,
      });
      const global = await bare.describeGlobal();
      expect(global).toMatchObject({ encoding: 'UTF-8', maxBatchSize: 200 });
      expect(global.sobjects.find((s) => s.name === 'Task')).toMatchObject({
        keyPrefix: '00T',
        label: 'Task',
        labelPlural: 'Tasks',
        createable: true,
        queryable: true,
        urls: {
          sobject: `/services/data/v${API_VERSION}/sobjects/Task`,
          describe: `/services/data/v${API_VERSION}/sobjects/Task/describe`,
          rowTemplate: `/services/data/v${API_VERSION}/sobjects/Task/{ID}`,
        },
      });
      expect(global.sobjects.map((s) => s.name)).toEqual(
        expect.arrayContaining(['Account', 'Contact', 'Lead', 'Task', 'TaskStatus', 'User']),
      );
    });

    it('limits carries the main keys, each {Max, Remaining}', async () => {
      const limits = (await conn.limits()) as unknown as Record<string, { Max: number; Remaining: number }>;
      for (const key of [
        'DailyApiRequests',
        'DailyAsyncApexExecutions',
        'DailyBulkApiBatches',
        'DailyStreamingApiEvents',
        'DailyDurableStreamingApiEvents',
        'DataStorageMB',
        'FileStorageMB',
        'HourlyPublishedPlatformEvents',
        'SingleEmail',
        'MassEmail',
      ]) {
        expect(limits[key]).toEqual({ Max: expect.any(Number), Remaining: expect.any(Number) });
      }
    });
  });

  it("describe of Task answers Salesforce's field metadata shape", async () => {
    const describe = await conn.sobject('Task').describe();
    const field = (name: string) => describe.fields.find((f) => f.name === name);
    expect(describe).toMatchObject({
      name: 'Task',
      keyPrefix: '00T',
      createable: true,
      recordTypeInfos: [expect.objectContaining({ master: true, recordTypeId: '012000000000000AAA' })],
    });
    expect(field('Subject')).toMatchObject({
      type: 'combobox',
      length: 255,
      nillable: true,
      createable: true,
      updateable: true,
      restrictedPicklist: false,
    });
    expect(field('Subject')?.picklistValues?.map((p) => p.value)).toEqual([
      'Call',
      'Email',
      'Send Letter',
      'Send Quote',
      'Other',
    ]);
    expect(field('Status')).toMatchObject({
      type: 'picklist',
      nillable: false,
      restrictedPicklist: true,
      defaultedOnCreate: true,
    });
    expect(field('Status')?.picklistValues?.[0]).toEqual({
      active: true,
      defaultValue: true,
      label: 'Not Started',
      validFor: null,
      value: 'Not Started',
    });
    expect(field('Priority')?.picklistValues?.find((p) => p.defaultValue)?.value).toBe('Normal');
    expect(field('WhoId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Contact', 'Lead'],
      relationshipName: 'Who',
      polymorphicForeignKey: true,
      namePointing: true,
      length: 18,
    });
    expect(field('WhatId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'What',
      polymorphicForeignKey: true,
    });
    expect(field('OwnerId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Group', 'User'],
      relationshipName: 'Owner',
      nillable: false,
    });
    expect(field('CreatedById')).toMatchObject({ relationshipName: 'CreatedBy', createable: false, updateable: false });
    expect(field('SalesConnect_Task_Id__c')).toMatchObject({
      type: 'string',
      length: 64,
      externalId: true,
      idLookup: true,
      unique: true,
      custom: true,
    });
    expect(field('Description')).toMatchObject({
      type: 'textarea',
      length: 32000,
      extraTypeInfo: 'plaintextarea',
      filterable: false,
    });
    expect(field('SystemModstamp')).toMatchObject({ type: 'datetime', soapType: 'xsd:dateTime', createable: false });
    expect(field('Id')).toMatchObject({ type: 'id', idLookup: true, nillable: false });
  });
});
