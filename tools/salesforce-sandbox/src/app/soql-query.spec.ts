import type { Fields } from './sandbox-records';
import { compileSoql, runQuery } from './soql-query';
import { SfdcError } from './sfdc-error';

const t = (id: string, fields: Partial<Fields>): Fields => ({
  Id: id,
  Subject: null,
  Status: 'Not Started',
  Priority: 'Normal',
  IsClosed: false,
  ActivityDate: null,
  SystemModstamp: 0,
  ...fields,
});

const NOW = Date.parse('2026-11-24T12:00:00Z');

const tasks: Fields[] = [
  t('00T000000000001AAA', {
    Subject: 'Call Ann',
    ActivityDate: '2026-11-24',
    SystemModstamp: Date.parse('2026-11-24T09:00:00Z'),
  }),
  t('00T000000000002AAA', {
    Subject: 'email Bob',
    Status: 'Completed',
    IsClosed: true,
    Priority: 'High',
    SystemModstamp: Date.parse('2026-11-24T10:00:00Z'),
  }),
  t('00T000000000003AAA', {
    Subject: '100% done_',
    ActivityDate: '2026-11-25',
    Priority: 'Low',
    SystemModstamp: Date.parse('2026-11-24T11:00:00Z'),
  }),
];

const ids = (soql: string): string[] =>
  runQuery(compileSoql(soql, NOW), tasks).map((r) => (r.Id as string).slice(12, 15));

describe('SOQL evaluation over stored records', () => {
  it.each([
    ["Subject = 'call ann'", ['001']],
    ["Subject LIKE 'CALL%'", ['001']],
    ["Subject LIKE '100\\% done\\_'", ['003']],
    ["Subject LIKE '%o_'", ['002']],
    ['ActivityDate >= 2026-11-25', ['003']],
    ['ActivityDate != null', ['001', '003']],
    ['SystemModstamp > 2026-11-24T09:00:00Z', ['002', '003']],
    ['SystemModstamp <= 2026-11-24T10:00:00.000+0000', ['001', '002']],
    ["NOT Priority IN ('High')", ['001', '003']],
    ["Priority = 'Low' OR (Priority = 'High' AND IsClosed = false)", ['003']],
    ["Priority = 'Low' OR Priority = 'High' OR IsClosed = true", ['002', '003']],
    ["(Priority = 'Low' OR Priority = 'High') AND IsClosed = true", ['002']],
    ["Id = '00T000000000002'", ['002']],
    ["Id IN ('00T000000000003AAA', '00T000000000001aaa')", ['001', '003']],
    ['ActivityDate = TODAY', ['001']],
    ['ActivityDate = TOMORROW', ['003']],
    ['ActivityDate > TODAY', ['003']],
    ['SystemModstamp = TODAY', ['001', '002', '003']],
    ['SystemModstamp = LAST_N_DAYS:1', ['001', '002', '003']],
    ['SystemModstamp < YESTERDAY', []],
    ['ActivityDate = NEXT_N_DAYS:1', ['003']],
  ])('WHERE %s', (where, expected) => {
    expect(ids(`SELECT Id FROM Task WHERE ${where}`)).toEqual(expected);
  });

  it('orders with nulls first both ascending and descending unless NULLS LAST, then LIMIT and OFFSET', () => {
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate')).toEqual(['002', '001', '003']);
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate DESC')).toEqual(['002', '003', '001']);
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate DESC NULLS LAST')).toEqual(['003', '001', '002']);
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate NULLS LAST LIMIT 2')).toEqual(['001', '003']);
    expect(ids('SELECT Id FROM Task ORDER BY SystemModstamp LIMIT 1 OFFSET 1')).toEqual(['002']);
  });

  it('COUNT() compiles to a count', () => {
    expect(compileSoql('SELECT COUNT() FROM Task', NOW).select).toBe('count');
  });

  it.each([
    ['SELECT Id FROM Task WHERE Foo = 1', 'INVALID_FIELD'],
    ["SELECT Id FROM Task WHERE SystemModstamp > '2026-11-24'", 'INVALID_FIELD'],
    ['SELECT Id FROM Task WHERE IsClosed = 1', 'INVALID_FIELD'],
    ['SELECT Id FROM Nothing', 'INVALID_TYPE'],
    ['SELECT FROM Task', 'MALFORMED_QUERY'],
    ['SELECT Id, Foo.Email FROM Task', 'INVALID_FIELD'],
    ['SELECT Id, Who.Nope FROM Task', 'INVALID_FIELD'],
    ["SELECT Id FROM Task WHERE Status = 'a' AND Priority = 'b' OR IsClosed = true", 'MALFORMED_QUERY'],
    ["SELECT Id FROM Task WHERE (Status = 'a' OR Priority = 'b' AND IsClosed = true)", 'MALFORMED_QUERY'],
  ])('%s → %s', (soql, errorCode) => {
    let error: unknown;
    try {
      compileSoql(soql, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SfdcError);
    expect((error as SfdcError).errorCode).toBe(errorCode);
  });
});

describe('SOQL as Salesforce parses and evaluates it', () => {
  it('mixing AND and OR without parentheses is MALFORMED_QUERY "unexpected token: OR", pointing at the operator', () => {
    const soql = "SELECT Id FROM Task WHERE Status = 'a' AND Subject = 'x AND y OR z' OR IsClosed = true";
    let error: SfdcError | undefined;
    try {
      compileSoql(soql, NOW);
    } catch (e) {
      error = e as SfdcError;
    }
    expect(error?.errorCode).toBe('MALFORMED_QUERY');
    expect(error?.message).toBe(
      `\n${soql}\n^\nERROR at Row:1:Column:${soql.lastIndexOf(' OR ') + 2}\nunexpected token: OR`,
    );
  });

  it('ids compare and sort case-sensitively on their 15-character form: ORDER BY Id and Id > :last agree', () => {
    // 'Z' < 'a' by code unit: a case-insensitive sort would put the 'a' id first.
    const rows = [t('00T00000000000aAAQ', {}), t('00T00000000000ZAAA', {}), t('00T000000000009AAA', {})];
    const ordered = runQuery(compileSoql('SELECT Id FROM Task ORDER BY Id', NOW), rows).map((r) => r.Id);
    expect(ordered).toEqual(['00T000000000009AAA', '00T00000000000ZAAA', '00T00000000000aAAQ']);
    const after = runQuery(
      compileSoql("SELECT Id FROM Task WHERE Id > '00T00000000000ZAAA' ORDER BY Id", NOW),
      rows,
    ).map((r) => r.Id);
    expect(after).toEqual(['00T00000000000aAAQ']);
  });

  it.each([
    [
      "OwnerId IN ('005A') AND SystemModstamp >= 2026-11-24T09:00:00Z AND (SystemModstamp > 2026-11-24T10:00:00Z OR (SystemModstamp = 2026-11-24T10:00:00Z AND Id > '00T1'))",
      '2026-11-24T09:00:00Z',
    ],
    ['SystemModstamp > 2026-11-24T09:00:00Z AND SystemModstamp >= 2026-11-24T10:00:00Z', '2026-11-24T10:00:00Z'],
    ['SystemModstamp = 2026-11-24T11:00:00Z', '2026-11-24T11:00:00Z'],
    ["SystemModstamp >= 2026-11-24T09:00:00Z OR Subject = 'x'", null],
    ["(SystemModstamp >= 2026-11-24T09:00:00Z AND Subject = 'x') OR Subject = 'y'", null],
    ['NOT SystemModstamp < 2026-11-24T09:00:00Z', null],
    ['SystemModstamp < 2026-11-24T09:00:00Z', null],
    ['SystemModstamp >= LAST_N_DAYS:2', null],
  ])('a scan in SystemModstamp order starts where the WHERE clause lets it: %s', (where, from) => {
    const query = compileSoql(`SELECT Id FROM Task WHERE ${where}`, NOW);
    expect(query.modstampFrom).toBe(from === null ? null : Date.parse(from));
  });

  it('in SystemModstamp order, a LIMIT ends the scan at its last row', () => {
    const untouchable = t('00T000000000009AAA', { SystemModstamp: Date.parse('2026-11-24T12:00:00Z') });
    Object.defineProperty(untouchable, 'Subject', {
      get: () => {
        throw new Error('read past the LIMIT');
      },
    });
    const rows = [...tasks, untouchable];
    const page = (soql: string) => runQuery(compileSoql(soql, NOW), rows).map((r) => (r.Id as string).slice(12, 15));
    expect(page("SELECT Id FROM Task WHERE Subject != 'x' ORDER BY SystemModstamp, Id LIMIT 2")).toEqual([
      '001',
      '002',
    ]);
    expect(page("SELECT Id FROM Task WHERE Subject != 'x' LIMIT 2 OFFSET 1")).toEqual(['002', '003']);
    // Another order must see every row before it can cut.
    expect(() => page("SELECT Id FROM Task WHERE Subject != 'x' ORDER BY Priority LIMIT 2")).toThrow(
      'read past the LIMIT',
    );
  });

  it("date literals are days of the running user's time zone", () => {
    // 2026-11-24T12:00Z is still the 24th in Los Angeles (04:00) but already the 25th in Auckland (01:00, UTC+13).
    const rows = [
      t('00T000000000001AAA', { ActivityDate: '2026-11-24', SystemModstamp: Date.parse('2026-11-24T07:30:00Z') }),
      t('00T000000000002AAA', { ActivityDate: '2026-11-25', SystemModstamp: Date.parse('2026-11-24T15:30:00Z') }),
    ];
    const run = (where: string, timeZone: string) =>
      runQuery(compileSoql(`SELECT Id FROM Task WHERE ${where}`, NOW, { timeZone }), rows).map((r) =>
        (r.Id as string).slice(14, 15),
      );
    expect(run('ActivityDate = TODAY', 'America/Los_Angeles')).toEqual(['1']);
    expect(run('ActivityDate = TODAY', 'Pacific/Auckland')).toEqual(['2']);
    expect(run('ActivityDate = TODAY', 'UTC')).toEqual(['1']);
    // LA's 24th runs from 08:00Z to 08:00Z next day: 07:30Z is the 23rd there.
    expect(run('SystemModstamp = TODAY', 'America/Los_Angeles')).toEqual(['2']);
    expect(run('SystemModstamp = YESTERDAY', 'America/Los_Angeles')).toEqual(['1']);
    // Auckland's 25th starts at 11:00Z on the 24th.
    expect(run('SystemModstamp = TODAY', 'Pacific/Auckland')).toEqual(['2']);
    expect(run('SystemModstamp = LAST_N_DAYS:1', 'Pacific/Auckland')).toEqual(['1', '2']);
  });

  it('relationship fields select as nested groups and filter through the parents the run binds', () => {
    const query = compileSoql(
      "SELECT Id, Who.Email, Owner.Name, Who.Name FROM Task WHERE Who.Email LIKE '%@example.com' ORDER BY Who.Name DESC",
      NOW,
    );
    expect(query.select).toEqual([
      expect.objectContaining({ name: 'Id' }),
      expect.objectContaining({
        relationshipName: 'Who',
        polymorphic: true,
        fields: [expect.objectContaining({ name: 'Email' }), expect.objectContaining({ name: 'Name' })],
      }),
      expect.objectContaining({ relationshipName: 'Owner', fields: [expect.objectContaining({ name: 'Name' })] }),
    ]);
    const rows = [
      t('00T000000000001AAA', { WhoId: '003000000000001AAA' }),
      t('00T000000000002AAA', { WhoId: '00Q000000000001AAA' }),
      t('00T000000000003AAA', { WhoId: null }),
    ];
    const parents = (id: string) =>
      id.startsWith('003')
        ? { type: 'Contact' as const, fields: { Id: '003000000000001AAA', Name: 'Ann Lee', Email: 'ann@example.com' } }
        : id.startsWith('00Q')
          ? { type: 'Lead' as const, fields: { Id: '00Q000000000001AAA', Name: 'Bob Roe', Email: 'bob@example.com' } }
          : null;
    expect(runQuery(query, rows, parents).map((r) => (r.Id as string).slice(14, 15))).toEqual(['2', '1']);
  });
});

describe('the ids a query starts from', () => {
  it('names the ids of Id = or Id IN joined by AND, and none where OR or NOT could widen the set', () => {
    const ids = (where: string) => compileSoql(`SELECT Id FROM Task WHERE ${where}`, 0).ids;
    expect(ids("Id IN ('00T000000000001AAA', '00T000000000002') AND IsDeleted = false")).toEqual([
      '00T000000000001AAA',
      '00T000000000002',
    ]);
    expect(ids("OwnerId = '005000000000001AAA' AND Id = '00T000000000001AAA'")).toEqual(['00T000000000001AAA']);
    expect(ids("Id IN ('00T000000000001AAA') OR Subject = 'x'")).toBeNull();
    expect(ids("NOT Id = '00T000000000001AAA'")).toBeNull();
    expect(ids("Id != '00T000000000001AAA'")).toBeNull();
    expect(ids("Subject = 'x'")).toBeNull();
  });
});
