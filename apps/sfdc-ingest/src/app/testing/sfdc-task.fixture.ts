// Spec fixtures: a Task as a by-id read answers it, and a Task change event as the change feed hands it over.
import { type TaskRecordById } from '@task-sync/sfdc-client';
import type { TaskChangeEvent } from '@task-sync/sfdc-change-feed';
import { buildTaskChangeEvent as buildFeedEvent } from '@task-sync/sfdc-change-feed/testing';
import type { CalendarDate } from '@task-sync/task-domain';

export const FIXTURE_OWNER = '005000000000001AAA';
/** When the fixtures' change was committed: the record's SystemModstamp. */
export const FIXTURE_COMMIT = Date.parse('2026-11-24T10:00:05.000Z');
export const fixtureTaskId = (n: number) => `00T00000000000${n}EAA`;

/** Task 1 of FIXTURE_OWNER, last modified by its owner at FIXTURE_COMMIT. */
export function buildTaskRecord(overrides: Partial<TaskRecordById> = {}): TaskRecordById {
  return {
    Id: fixtureTaskId(1),
    Subject: 'Call back',
    Description: null,
    ActivityDate: '2026-11-25' as CalendarDate,
    Status: 'Not Started',
    IsClosed: false,
    Priority: 'Normal',
    TaskSubtype: 'Task',
    WhoId: null,
    OwnerId: FIXTURE_OWNER,
    SalesConnect_Task_Id__c: null,
    CreatedDate: '2026-11-24T09:00:00.000+0000',
    LastModifiedDate: '2026-11-24T10:00:05.000+0000',
    SystemModstamp: '2026-11-24T10:00:05.000+0000',
    IsDeleted: false,
    LastModifiedById: FIXTURE_OWNER,
    ...overrides,
  };
}

/** An UPDATE of task 1 by its owner at FIXTURE_COMMIT, made in the UI (no client named). */
export function buildTaskChangeEvent(overrides: Partial<TaskChangeEvent> = {}): TaskChangeEvent {
  return buildFeedEvent({
    replayId: 100,
    changeType: 'UPDATE',
    recordIds: [fixtureTaskId(1)],
    commitTimestamp: FIXTURE_COMMIT,
    commitUser: FIXTURE_OWNER,
    ...overrides,
  });
}
