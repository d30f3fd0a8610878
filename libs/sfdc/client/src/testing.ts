// Spec fixtures: import from '@task-sync/sfdc-client/testing'.
import type { CalendarDate } from '@task-sync/task-domain';
import type { TaskRecord } from './lib/task-soql';

/** A Task as a query answers it: open, a call due 2026-11-25, paired with Sales Connect task sct_1; override what a spec is about. */
export function buildTaskRecord(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    Id: '00T000000000001EAA',
    Subject: 'Call back',
    Description: null,
    ActivityDate: '2026-11-25' as CalendarDate,
    Status: 'In Progress',
    IsClosed: false,
    Priority: 'Low',
    TaskSubtype: 'Call',
    WhoId: '003000000000001AAA',
    OwnerId: '005000000000001AAA',
    SalesConnect_Task_Id__c: 'sct_1',
    CreatedDate: '2026-11-24T09:00:00.000+0000',
    LastModifiedDate: '2026-11-24T10:00:00.000+0000',
    SystemModstamp: '2026-11-24T10:00:00.000+0000',
    IsDeleted: false,
    ...overrides,
  };
}
