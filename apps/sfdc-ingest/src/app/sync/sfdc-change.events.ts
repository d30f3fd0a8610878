import { mapTaskRecordToFields, salesforceDateTimeToIso as iso, type TaskRecord } from '@task-sync/sfdc-client';
import { randomUUID } from 'node:crypto';
import {
  KAFKA_TOPICS,
  SFDC_TASK_CHANGED,
  buildMessageKey,
  encodeEvent,
  type SfdcTaskChanged,
} from '@task-sync/contracts';
import { isRecurringSeriesMaster } from '@task-sync/sync-rules';
import type { OutgoingMessage } from '@task-sync/util-nest';
import { publishedChangeOf, type PublishedChange } from './published-change.repository';

export type ReadSource = SfdcTaskChanged['source'];
/** How a live change was read: the org's change stream or a poll. */
export type ReadVia = 'stream' | 'poll';

/**
 * `origin` and `madeAt` (the commit time, ms): known only from a change event (the org stream); a
 * REST read alone never knows who wrote, nor more than SystemModstamp's whole second.
 */
export function buildSfdcUpsertEvent(
  connectionId: string,
  record: TaskRecord,
  whoEmail: string | null,
  source: ReadSource,
  enableAt?: Date,
  origin: string | null = null,
  via?: ReadVia,
  madeAt: number | null = null,
): SfdcTaskChanged {
  const fields = mapTaskRecordToFields(record, whoEmail);
  return {
    eventId: randomUUID(),
    type: SFDC_TASK_CHANGED,
    occurredAt: new Date().toISOString(),
    connectionId,
    kind: 'upsert',
    taskId: record.Id,
    fields,
    // SystemModstamp: what the read windows are judged on (R2), and it moves on every change; the
    // commit time within its second when a change event gave it.
    changedAt: madeAt !== null ? new Date(madeAt).toISOString() : iso(record.SystemModstamp),
    createdAt: iso(record.CreatedDate),
    // Null unless a change event said so: the reconciler's pending writes then recognise our echoes.
    origin,
    source,
    ...(enableAt ? { enableAt: enableAt.toISOString() } : {}),
    externalId: record.SalesConnect_Task_Id__c ?? null,
    ownerId: record.OwnerId,
    ...(via ? { via } : {}),
  };
}

export function buildSfdcDeleteEvent(
  connectionId: string,
  taskId: string,
  deletedAt: number,
  source: ReadSource,
  enableAt?: Date,
  via?: ReadVia,
): SfdcTaskChanged {
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
    ...(via ? { via } : {}),
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

/** A record that cannot be mapped is left out and returned with the reason, for the caller to count. */
export function buildReadMessages(
  connectionId: string,
  records: readonly TaskRecord[],
  whoEmails: ReadonlyMap<string, string | null>,
  source: ReadSource,
  options: {
    enableAt?: Date;
    originOf?: (record: TaskRecord) => string | null;
    madeAtOf?: (record: TaskRecord) => number | null;
    via?: ReadVia;
  } = {},
): {
  messages: OutgoingMessage[];
  published: PublishedChange[];
  deletes: number;
  unmappable: { record: TaskRecord; reason: string }[];
} {
  const messages: OutgoingMessage[] = [];
  const published: PublishedChange[] = [];
  const unmappable: { record: TaskRecord; reason: string }[] = [];
  let deletes = 0;
  for (const record of records) {
    // A recurring series' master is not a task the rep works: only its occurrences go.
    if (isRecurringSeriesMaster(record)) continue;
    const change = publishedChangeOf(record);
    try {
      const whoEmail = record.WhoId ? (whoEmails.get(record.WhoId) ?? null) : null;
      const event = record.IsDeleted
        ? buildSfdcDeleteEvent(connectionId, record.Id, change.stamp, source, options.enableAt, options.via)
        : buildSfdcUpsertEvent(
            connectionId,
            record,
            whoEmail,
            source,
            options.enableAt,
            options.originOf?.(record) ?? null,
            options.via,
            options.madeAtOf?.(record) ?? null,
          );
      messages.push(toOutgoingMessage(event));
      published.push(change);
      if (record.IsDeleted) deletes += 1;
    } catch (e) {
      unmappable.push({ record, reason: (e as Error).message });
    }
  }
  return { messages, published, deletes, unmappable };
}
