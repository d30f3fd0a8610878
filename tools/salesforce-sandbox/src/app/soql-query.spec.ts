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
  t('00T000000000001AAA', { Subject: 'Call Ann', ActivityDate: '2026-11-24', SystemModstamp: Date.parse('2026-11-24T09:00:00Z') }),
  t('00T000000000002AAA', { Subject: 'email Bob', Status: 'Completed', IsClosed: true, Priority: 'High', SystemModstamp: Date.parse('2026-11-24T10:00:00Z') }),
  t('00T000000000003AAA', { Subject: '100% done_', ActivityDate: '2026-11-25', Priority: 'Low', SystemModstamp: Date.parse('2026-11-24T11:00:00Z') }),
];

const ids = (soql: string): string[] => runQuery(compileSoql(soql, NOW), tasks).map((r) => (r.Id as string).slice(12, 15));

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
    ["Priority = 'Low' OR Priority = 'High' AND IsClosed = false", ['003']],
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

  it('orders with nulls first ascending and last descending, then LIMIT and OFFSET', () => {
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate')).toEqual(['002', '001', '003']);
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate DESC')).toEqual(['003', '001', '002']);
    expect(ids('SELECT Id FROM Task ORDER BY ActivityDate DESC NULLS FIRST LIMIT 2')).toEqual(['002', '003']);
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
    ['SELECT Id, Who.Email FROM Task', 'MALFORMED_QUERY'],
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
