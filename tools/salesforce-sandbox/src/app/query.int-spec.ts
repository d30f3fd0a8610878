import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

interface Row {
  Id: string;
  Subject: string | null;
}

describe('query and queryAll with the SOQL the sync needs', () => {
  let h: Harness;
  let conn: Connection;
  const ids: string[] = [];
  beforeAll(async () => {
    h = await startHarness();
    conn = await h.login();
    h.sandbox.clock.set(new Date('2026-11-20T08:00:00.000Z'), { frozen: true });
    const rows = [
      { Subject: 'alpha call', Status: 'Not Started', Priority: 'High', ActivityDate: '2026-11-24' },
      { Subject: 'Beta email', Status: 'Completed', Priority: 'Normal', ActivityDate: '2026-11-25' },
      { Subject: 'gamma', Status: 'In Progress', Priority: 'Low', ActivityDate: null },
      { Subject: "it's delta", Status: 'Deferred', Priority: 'Normal', ActivityDate: '2026-12-01' },
    ];
    for (const row of rows) {
      ids.push((await conn.sobject('Task').create(row)).id as string);
      h.sandbox.clock.advance(3_600_000); // one hour between writes: distinct SystemModstamps
    }
  });
  afterAll(() => h.close());

  const subjects = async (where: string): Promise<(string | null)[]> =>
    (await conn.query<Row>(`SELECT Id, Subject FROM Task WHERE ${where} ORDER BY SystemModstamp ASC`)).records.map(
      (r) => r.Subject,
    );

  it.each([
    ["Status = 'Completed'", ['Beta email']],
    ["Status != 'Completed'", ['alpha call', 'gamma', "it's delta"]],
    ["Priority IN ('High', 'Low')", ['alpha call', 'gamma']],
    ["Priority NOT IN ('High', 'Low')", ['Beta email', "it's delta"]],
    ["Subject LIKE '%a%' AND NOT Subject LIKE 'g%'", ['alpha call', 'Beta email', "it's delta"]],
    ["subject = 'BETA EMAIL'", ['Beta email']],
    ["Subject = 'it\\'s delta'", ["it's delta"]],
    ['ActivityDate = 2026-11-24', ['alpha call']],
    ['ActivityDate > 2026-11-24 AND ActivityDate <= 2026-12-01', ['Beta email', "it's delta"]],
    ['ActivityDate = null', ['gamma']],
    ['SystemModstamp >= 2026-11-20T09:00:00Z', ['Beta email', 'gamma', "it's delta"]],
    ['LastModifiedDate < 2026-11-20T10:00:00.000+0000', ['alpha call', 'Beta email']],
    ['CreatedDate > 2026-11-20T09:30:00+01:00', ['Beta email', 'gamma', "it's delta"]],
    ["(Status = 'Completed' OR Priority = 'High') AND ActivityDate != null", ['alpha call', 'Beta email']],
    ["Status = 'Completed' OR (Priority = 'Low' AND IsClosed = false)", ['Beta email', 'gamma']],
    ["NOT (Status = 'Completed' OR Status = 'Deferred')", ['alpha call', 'gamma']],
    ['IsClosed = true', ['Beta email']],
    ['CreatedDate = TODAY AND ActivityDate = NEXT_N_DAYS:5', ['alpha call', 'Beta email']],
  ])('WHERE %s', async (where, expected) => {
    expect(await subjects(where)).toEqual(expected);
  });

  it('ORDER BY a field DESC with LIMIT, and COUNT()', async () => {
    const result = await conn.query<Row>('SELECT Subject FROM Task ORDER BY Subject DESC LIMIT 2');
    expect(result.records.map((r) => r.Subject)).toEqual(["it's delta", 'gamma']);
    expect(result.totalSize).toBe(2);
    const count = await conn.query("SELECT COUNT() FROM Task WHERE Status != 'Completed'");
    expect(count.totalSize).toBe(3);
    expect(count.records).toEqual([]);
  });

  it('records carry attributes and datetimes in Salesforce format', async () => {
    const result = await conn.query<Record<string, unknown>>(
      `SELECT Id, CreatedDate, ActivityDate FROM Task WHERE Id = '${ids[0]}'`,
    );
    expect(result.records[0]).toEqual({
      attributes: { type: 'Task', url: `/services/data/v59.0/sobjects/Task/${ids[0]}` },
      Id: ids[0],
      CreatedDate: '2026-11-20T08:00:00.000+0000',
      ActivityDate: '2026-11-24',
    });
  });

  it('a 15-character id matches its 18-character form', async () => {
    expect(await subjects(`Id = '${ids[1].slice(0, 15)}'`)).toEqual(['Beta email']);
  });

  it('FROM Contact, Lead, User and TaskStatus', async () => {
    const orgId = h.sandbox.defaults.orgId;
    await h.admin('POST', `/salesforce/orgs/${orgId}/contacts`, { lastName: 'Doe', email: 'jane@example.com' });
    await h.admin('POST', `/salesforce/orgs/${orgId}/leads`, {
      lastName: 'Roe',
      email: 'rick@example.com',
      company: 'Acme',
    });
    expect(
      (await conn.query<{ Email: string }>("SELECT Id, Email FROM Contact WHERE Email = 'JANE@example.com'")).records[0]
        .Email,
    ).toBe('jane@example.com');
    expect(
      (await conn.query<{ Email: string }>("SELECT Id, Email, Name FROM Lead WHERE Email LIKE 'rick@%'")).totalSize,
    ).toBe(1);
    const user = await conn.query<{ Username: string; TimeZoneSidKey: string }>(
      'SELECT Id, Username, Email, Name, TimeZoneSidKey FROM User',
    );
    expect(user.records[0]).toMatchObject({ Username: 'rep@sandbox.test', TimeZoneSidKey: 'America/Los_Angeles' });
    const closed = await conn.query<{ ApiName: string }>(
      'SELECT MasterLabel, ApiName, IsClosed FROM TaskStatus WHERE IsClosed = true',
    );
    expect(closed.records.map((r) => r.ApiName)).toEqual(['Completed']);
  });

  it.each([
    ['SELECT Id, Nope FROM Task', 'INVALID_FIELD', /No such column 'Nope' on entity 'Task'/],
    ["SELECT Id FROM Task WHERE Nope = 'x'", 'INVALID_FIELD', /No such column 'Nope'/],
    [
      "SELECT Id FROM Task WHERE ActivityDate = '2026-11-24'",
      'INVALID_FIELD',
      /must be of type date and should not be enclosed in quotes/,
    ],
    [
      'SELECT Id FROM Task WHERE Subject = 5',
      'INVALID_FIELD',
      /must be of type string and should be enclosed in quotes/,
    ],
    ['SELECT Id FROM Opportunity', 'INVALID_TYPE', /sObject type 'Opportunity' is not supported/],
    [
      "SELECT Id FROM Task WHERE Status = 'Completed' AND Priority = 'High' OR IsClosed = true",
      'MALFORMED_QUERY',
      /unexpected token: OR/,
    ],
    ['SELEC Id FROM Task', 'MALFORMED_QUERY', /./],
    ['SELECT Id FROM Task WHERE', 'MALFORMED_QUERY', /./],
  ])('%s fails with %s', async (soql, errorCode, message) => {
    const error = await errorOf(conn.query(soql));
    expect(error.name).toBe(errorCode);
    expect(error.message).toMatch(message);
  });

  describe('paging by 2,000', () => {
    beforeAll(async () => {
      // 4,500 tasks in 23 sObject Collections calls; 7 deleted after.
      for (let start = 0; start < 4500; start += 200) {
        const batch = Array.from({ length: Math.min(200, 4500 - start) }, (_, i) => ({
          Subject: `bulk ${start + i}`,
          SalesConnect_Task_Id__c: `bulk-${start + i}`,
        }));
        const results = await conn.sobject('Task').create(batch);
        expect(results.every((r) => r.success)).toBe(true);
        h.sandbox.clock.advance(1000);
      }
      const toDelete = (await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'bulk 1__' LIMIT 7")).records.map(
        (r) => r.Id,
      );
      await conn.sobject('Task').destroy(toDelete);
    });

    it('the first page holds 2,000 records, done false and a nextRecordsUrl /services/data/vXX.X/query/<locator>-2000', async () => {
      const page = await conn.query<Row>(
        "SELECT Id, Subject FROM Task WHERE Subject LIKE 'bulk%' ORDER BY SystemModstamp ASC",
      );
      expect(page.records).toHaveLength(2000);
      expect(page.totalSize).toBe(4493);
      expect(page.done).toBe(false);
      // jsforce hands back the locator as an absolute url; the raw answer is the relative one Salesforce sends.
      expect(page.nextRecordsUrl).toMatch(/\/services\/data\/v59\.0\/query\/01g[A-Za-z0-9]+-2000$/);
      const raw = await conn.request<{ nextRecordsUrl: string }>(
        `/services/data/v59.0/query?q=${encodeURIComponent("SELECT Id FROM Task WHERE Subject LIKE 'bulk%'")}`,
      );
      expect(raw.nextRecordsUrl).toMatch(/^\/services\/data\/v59\.0\/query\/01g[A-Za-z0-9]+-2000$/);
      const second = await conn.queryMore<Row>(page.nextRecordsUrl as string);
      expect(second.records).toHaveLength(2000);
      expect(second.records[0].Subject).not.toBe(page.records[0].Subject);
      const third = await conn.queryMore<Row>(second.nextRecordsUrl as string);
      expect(third.records).toHaveLength(493);
      expect(third.done).toBe(true);
      expect(third.nextRecordsUrl).toBeUndefined();
      const all = [...page.records, ...second.records, ...third.records].map((r) => r.Id);
      expect(new Set(all).size).toBe(4493);
    });

    it('autoFetch reads every page; queryAll adds the deleted ones', async () => {
      const live = await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'bulk%'", {
        autoFetch: true,
        maxFetch: 10_000,
      });
      expect(live.records).toHaveLength(4493);
      const all = await conn.query<Row>("SELECT Id, IsDeleted FROM Task WHERE Subject LIKE 'bulk%'", {
        autoFetch: true,
        maxFetch: 10_000,
        scanAll: true,
      });
      expect(all.records).toHaveLength(4500);
      expect(all.records.filter((r) => (r as unknown as { IsDeleted: boolean }).IsDeleted)).toHaveLength(7);
      expect(h.sandbox.calls.total({ endpoint: 'GET queryAll' })).toBe(1);
      expect(h.sandbox.calls.total({ endpoint: 'GET query/{locator}' })).toBeGreaterThanOrEqual(4);
    });

    it('Sforce-Query-Options batchSize=500 makes pages of 500', async () => {
      const page = await conn.query<Row>("SELECT Id FROM Task WHERE Subject LIKE 'bulk%'", {
        headers: { 'Sforce-Query-Options': 'batchSize=500' },
      });
      expect(page.records).toHaveLength(500);
      expect(page.nextRecordsUrl).toMatch(/-500$/);
    });

    it('an unknown query locator is INVALID_QUERY_LOCATOR', async () => {
      const error = await errorOf(conn.queryMore('/services/data/v59.0/query/01gXXXXXXXXXXXXXXX-2000'));
      expect(error.name).toBe('INVALID_QUERY_LOCATOR');
    });
  });
});
