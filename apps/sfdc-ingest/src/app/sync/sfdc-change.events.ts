import { randomUUID } from 'node:crypto';
import { KAFKA_TOPICS, SFDC_TASK_CHANGED, buildMessageKey, encodeEvent, type SfdcTaskChanged } from '@task-sync/contracts';
import { isCalendarDate, type CalendarDate } from '@task-sync/task-domain';
import { mapSfdcTaskToFields } from '@task-sync/task-mapping';
import type { OutgoingMessage } from '@task-sync/util-nest';
import { parseSalesforceDateTime, type TaskRecord } from '../salesforce/soql';

export type ReadSource = SfdcTaskChanged['source'];

const iso = (salesforceDateTime: string) => new Date(parseSalesforceDateTime(salesforceDateTime)).toISOString();

/** A Task as read → the event the reconciler decides on. Throws when the record cannot be mapped (counted as failed). */
export function buildSfdcUpsertEvent(connectionId: string, record: TaskRecord, whoEmail: string | null, source: ReadSource, enableAt?: Date): SfdcTaskChanged {
  if (record.ActivityDate !== null && !isCalendarDate(record.ActivityDate)) {
    throw new Error(`task ${record.Id}: ActivityDate ${JSON.stringify(record.ActivityDate)} is not a calendar date`);
  }
  return {
    eventId: randomUUID(),
    type: SFDC_TASK_CHANGED,
    occurredAt: new Date().toISOString(),
    connectionId,
    kind: 'upsert',
    taskId: record.Id,
    fields: mapSfdcTaskToFields({ ...record, ActivityDate: record.ActivityDate as CalendarDate | null, WhoEmail: whoEmail }),
    // SystemModstamp: what the read windows are judged on (R2), and it moves on every change.
    changedAt: iso(record.SystemModstamp),
    createdAt: iso(record.CreatedDate),
    // A REST read does not say which client wrote (only Change Data Capture does); echoes are caught by the reconciler's pending writes.
    origin: null,
    source,
    ...(enableAt ? { enableAt: enableAt.toISOString() } : {}),
    externalId: record.SalesConnect_Task_Id__c ?? null,
  };
}

export function buildSfdcDeleteEvent(connectionId: string, taskId: string, deletedAt: number, source: ReadSource, enableAt?: Date): SfdcTaskChanged {
  return {
    eventId: randomUUID(),
    type: SFDC_TASK_CHANGED,
    occurredAt: new Date().toISOString(),
    connectionId,
    kind: 'delete',
    taskId,
    fields: null,
    changedAt: new Date(deletedAt).toISOString(),
    createdAt: null,
    origin: null,
    source,
    ...(enableAt ? { enableAt: enableAt.toISOString() } : {}),
    externalId: null,
  };
}

/** Validated against the contract, keyed by connection + task so one task's changes stay in order. */
export function toOutgoingMessage(event: SfdcTaskChanged): OutgoingMessage {
  return {
    topic: KAFKA_TOPICS.sfdcTaskChanges,
    key: buildMessageKey(event.connectionId, event.taskId),
    value: encodeEvent(SFDC_TASK_CHANGED, event),
    eventId: event.eventId,
    eventType: SFDC_TASK_CHANGED,
  };
}
