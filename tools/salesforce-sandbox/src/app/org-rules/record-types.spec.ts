import {
  buildRecordType,
  findRecordType,
  newRecordType,
  userDefaultRecordType,
  type NewRecordType,
  type TaskRecordType,
} from './record-types';

const STATUSES = new Set(['Open', 'Working', 'Done']);
const isStatus = (s: string) => STATUSES.has(s);
const isClosed = (s: string) => s === 'Done';
const audit = (id: string) => ({
  Id: id,
  CreatedDate: 0,
  CreatedById: null,
  LastModifiedDate: 0,
  LastModifiedById: null,
  SystemModstamp: 0,
});
const build = (input: Partial<NewRecordType>, existing: TaskRecordType[] = [], id = '012000000000001AAA') =>
  buildRecordType(
    { developerName: 'Sales', name: 'Sales', statuses: ['Open', 'Done'], defaultStatus: 'Open', ...input },
    existing,
    isStatus,
    isClosed,
    audit(id),
  );

describe('Task record types', () => {
  it('the first record type is the org default; a later one only when it asks to be', () => {
    const first = build({});
    expect(first).toMatchObject({
      isDefault: true,
      statuses: ['Open', 'Done'],
      defaultStatus: 'Open',
      fields: { DeveloperName: 'Sales', SobjectType: 'Task', IsActive: true },
    });
    expect(build({ developerName: 'Support' }, [first]).isDefault).toBe(false);
    expect(build({ developerName: 'Support', default: true }, [first]).isDefault).toBe(true);
  });

  it.each([
    ['a developer name taken (in any case)', { developerName: 'sales' }, /exists already/],
    [
      'a status the org does not have',
      { developerName: 'Other', statuses: ['Open', 'Lost'] },
      /not statuses of this org: Lost/,
    ],
    [
      'a default status it does not allow',
      { developerName: 'Other', defaultStatus: 'Working' },
      /not one of the record type's statuses/,
    ],
    ['a closed default status', { developerName: 'Other', defaultStatus: 'Done' }, /cannot be a closed one/],
  ])('refuses %s', (_name, input, message) => {
    expect(() => build(input, [build({})])).toThrow(message);
  });

  it('developer names follow Salesforce API-name rules', () => {
    expect(
      newRecordType.safeParse({ developerName: 'Field_Sales', name: 'x', statuses: ['a'], defaultStatus: 'a' }).success,
    ).toBe(true);
    for (const bad of ['1Sales', 'Sales__X', 'Sales Team', '']) {
      expect(
        newRecordType.safeParse({ developerName: bad, name: 'x', statuses: ['a'], defaultStatus: 'a' }).success,
      ).toBe(false);
    }
  });

  it("a user's default record type: their own assignment, else the org default", () => {
    const sales = build({});
    const support = build({ developerName: 'Support' }, [sales], '012000000000002AAA');
    const types = [sales, support];
    expect(userDefaultRecordType(types, {}, '005a')).toBe(sales);
    expect(userDefaultRecordType(types, { '005a': support.fields.Id as string }, '005a')).toBe(support);
    expect(userDefaultRecordType([], {}, '005a')).toBeUndefined();
    // 15- and 18-character ids name the same record type.
    expect(findRecordType(types, '012000000000002')).toBe(support);
  });
});
