import { mapSfdcTaskToFields } from '@task-sync/task-mapping';
import { buildTaskRecord } from '../testing';
import { mapTaskRecordToFields, salesforceDateTimeToIso } from './task-record.mapper';

describe("a queried Task as the sync's fields", () => {
  it("is the mapping's answer for the record with the e-mail looked up behind its WhoId", () => {
    const record = buildTaskRecord({ Subject: 'Call Ana' });
    const fields = mapTaskRecordToFields(record, 'ana@example.com');
    expect(fields).toEqual(mapSfdcTaskToFields({ ...record, WhoEmail: 'ana@example.com' }));
    expect(fields).toMatchObject({ title: 'Call Ana', dueDate: '2026-11-25', contactEmail: 'ana@example.com' });
  });

  it.each([['2026-11-25T00:00:00Z'], ['soon']])('refuses an ActivityDate that is not a calendar date (%s)', (date) => {
    expect(() => mapTaskRecordToFields(buildTaskRecord({ ActivityDate: date as never }), null)).toThrow(
      `task 00T000000000001EAA: ActivityDate ${JSON.stringify(date)} is not a calendar date`,
    );
  });

  it('takes a task with no due date', () => {
    expect(mapTaskRecordToFields(buildTaskRecord({ ActivityDate: null }), null).dueDate).toBeNull();
  });

  it.each([
    ['2026-11-24T10:00:00.000+0000', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00.000-0300', '2026-11-24T13:00:00.000Z'],
  ])('a Salesforce datetime %s is %s', (text, iso) => {
    expect(salesforceDateTimeToIso(text)).toBe(iso);
  });
});
