import { buildOrgStatusModel, chooseSfdcStatus, STANDARD_STATUS_MODEL, type OrgTaskStatus } from './sfdc-status';
import { mapFieldsToSfdcWrite } from './sfdc-task.mapper';

const RENAMED: OrgTaskStatus[] = [
  { value: 'Cancelled', closed: true, isDefault: false, sortOrder: 40 },
  { value: 'Open - New', closed: false, isDefault: true, sortOrder: 10 },
  { value: 'Working', closed: false, isDefault: false, sortOrder: 20 },
  { value: 'Done', closed: true, isDefault: false, sortOrder: 30 },
];
const SALES = '012000000000001AAA';
const SUPPORT = '012000000000002AAA';
const recordTyped = (defaultRecordTypeId: string | null) =>
  buildOrgStatusModel(
    RENAMED,
    new Map([
      [SALES, { values: ['Open - New', 'Done'], defaultValue: 'Open - New' }],
      [SUPPORT, { values: ['Working', 'Cancelled'], defaultValue: 'Working' }],
    ]),
    defaultRecordTypeId,
  );

describe('Status written from the org’s TaskStatus (chooseSfdcStatus)', () => {
  it('a new org: Open is Not Started, Complete is Completed', () => {
    expect([chooseSfdcStatus(STANDARD_STATUS_MODEL, true), chooseSfdcStatus(STANDARD_STATUS_MODEL, false)]).toEqual([
      'Not Started',
      'Completed',
    ]);
  });

  it('renamed statuses: Open is the default open status (IsDefault), Complete the first closed one by SortOrder', () => {
    const model = buildOrgStatusModel(RENAMED, new Map(), null);
    expect([chooseSfdcStatus(model, true), chooseSfdcStatus(model, false)]).toEqual(['Open - New', 'Done']);
  });

  it('a record-typed task gets a status its record type allows: its default for Open, its first closed one for Complete', () => {
    const model = recordTyped(SALES);
    expect([chooseSfdcStatus(model, true, SUPPORT), chooseSfdcStatus(model, false, SUPPORT)]).toEqual([
      'Working',
      'Cancelled',
    ]);
    expect([chooseSfdcStatus(model, true, SALES), chooseSfdcStatus(model, false, SALES)]).toEqual([
      'Open - New',
      'Done',
    ]);
  });

  it("a create (no record type yet) goes by the rep's default record type; ids match in their 15- or 18-character form", () => {
    const model = recordTyped('012000000000002');
    expect([chooseSfdcStatus(model, true), chooseSfdcStatus(model, false)]).toEqual(['Working', 'Cancelled']);
    expect(chooseSfdcStatus(recordTyped(null), false, SUPPORT.slice(0, 15))).toBe('Cancelled');
  });

  it('a record type the writer has not learnt yet falls back to the org-wide choice', () => {
    expect(chooseSfdcStatus(recordTyped(null), false, '012000000000009AAA')).toBe('Done');
  });

  it('an org with no closed or open status it could use keeps the standard label (Salesforce then refuses it with its reason)', () => {
    const onlyOpen = buildOrgStatusModel(
      [{ value: 'Open', closed: false, isDefault: true, sortOrder: 1 }],
      new Map(),
      null,
    );
    expect(chooseSfdcStatus(onlyOpen, false)).toBe('Completed');
  });

  it('the mapper writes the chosen status, and no Status when open is not part of the write', () => {
    const model = buildOrgStatusModel(RENAMED, new Map(), null);
    const statusFor = (open: boolean) => chooseSfdcStatus(model, open);
    expect(mapFieldsToSfdcWrite({ open: false }, statusFor)).toEqual({ Status: 'Done' });
    expect(mapFieldsToSfdcWrite({ open: true }, statusFor)).toEqual({ Status: 'Open - New' });
    expect(mapFieldsToSfdcWrite({ title: 'x' }, statusFor)).toEqual({ Subject: 'x' });
  });
});
