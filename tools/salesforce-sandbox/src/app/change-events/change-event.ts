import { randomUUID } from 'node:crypto';
import type { FieldValue, Fields, TaskRecord } from '../sandbox-records';
import { SCHEMA, type FieldDef } from '../sobject-schema';

/** Change Data Capture's change types; the GAP_ kinds carry the header only. */
export type ChangeType =
  | 'CREATE'
  | 'UPDATE'
  | 'DELETE'
  | 'UNDELETE'
  | 'GAP_CREATE'
  | 'GAP_UPDATE'
  | 'GAP_DELETE'
  | 'GAP_UNDELETE'
  | 'GAP_OVERFLOW';

export const GAP_TYPES = ['GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE'] as const;

/** `payload.ChangeEventHeader`, in the order CometD clients see it (field names, not Pub/Sub bitmaps). */
export interface ChangeEventHeader {
  entityName: 'Task';
  recordIds: string[];
  changeType: ChangeType;
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  nulledFields: string[];
  diffFields: string[];
  changedFields: string[];
}

/** What a subscriber's callback gets: `{schema, payload, event: {replayId}}`. */
export interface ChangeEventData {
  schema: string;
  payload: { ChangeEventHeader: ChangeEventHeader } & Record<string, unknown>;
  event: { replayId: number };
}

/** An event as the bus keeps it for 72 hours. */
export interface RetainedEvent {
  replayId: number;
  entityName: 'Task';
  /** Sandbox-clock time it was published: what retention is measured from. */
  publishedAt: number;
  data: ChangeEventData;
}

/** An event before the bus numbers it. */
export type DraftEvent = Omit<ChangeEventHeader, 'transactionKey' | 'sequenceNumber' | 'commitNumber'> & {
  body: Record<string, unknown>;
};

/** A task write inside one transaction: the version before (null for an insert) and after. */
export interface TaskWrite {
  previous: TaskRecord | null;
  next: TaskRecord;
}

/**
 * Salesforce's schema id for the event's Avro schema; one fixed opaque value per entity here
 * (`/vXX.X/event/eventSchema/<id>` is not served).
 */
export const TASK_CHANGE_EVENT_SCHEMA = 'sbxTaskChangeEvent-v1';

/**
 * `changeOrigin` of a REST write: `com/salesforce/api/rest/59.0`, plus `;client=NAME` when the
 * call carried `Sforce-Call-Options: client=NAME` (REST API guide, "Call Options Header").
 */
export function restChangeOrigin(ctx: { version: string; client: string | null }): string {
  const version = ctx.version.replace(/^v/, '');
  return `com/salesforce/api/rest/${version}${ctx.client ? `;client=${ctx.client}` : ''}`;
}

/** Per field list of an org (lists are replaced when an admin adds or deletes a field). */
const eventFieldLists = new WeakMap<readonly FieldDef[], FieldDef[]>();

/** Change events carry every field of the org's Task but the Id (it is in recordIds), IsDeleted and SystemModstamp. */
function eventFields(taskFields: readonly FieldDef[]): FieldDef[] {
  let list = eventFieldLists.get(taskFields);
  if (!list) {
    list = taskFields.filter((f) => f.name !== 'Id' && f.name !== 'IsDeleted' && f.name !== 'SystemModstamp');
    eventFieldLists.set(taskFields, list);
  }
  return list;
}

/** CometD change events write datetimes as `2019-09-25T10:32:28Z` (no milliseconds when there are none). */
function formatValue(field: FieldDef, value: FieldValue | undefined): unknown {
  if (value === undefined) return null;
  if (field.type === 'datetime' && typeof value === 'number')
    return new Date(value).toISOString().replace('.000Z', 'Z');
  return value;
}

/** CREATE and UNDELETE: every non-empty field, system fields included. */
function fullBody(taskFields: readonly FieldDef[], fields: Fields): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of eventFields(taskFields)) {
    const value = fields[field.name];
    if (value !== null && value !== undefined) body[field.name] = formatValue(field, value);
  }
  return body;
}

/**
 * UPDATE: only the fields whose value changed (nulls only when set to null) and always
 * LastModifiedDate; LastModifiedById only when another user saved it ("Change Event Body Fields").
 */
function updateBody(
  taskFields: readonly FieldDef[],
  before: Fields,
  after: Fields,
): { body: Record<string, unknown>; changedFields: string[]; nulledFields: string[] } {
  const body: Record<string, unknown> = {};
  const changedFields: string[] = [];
  const nulledFields: string[] = [];
  for (const field of eventFields(taskFields)) {
    const was = before[field.name] ?? null;
    const now = after[field.name] ?? null;
    if (was === now && field.name !== 'LastModifiedDate') continue;
    body[field.name] = formatValue(field, now);
    changedFields.push(field.name);
    if (now === null) nulledFields.push(field.name);
  }
  return { body, changedFields, nulledFields };
}

function classify(previous: TaskRecord | null, next: TaskRecord): 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' {
  if (previous === null) return 'CREATE';
  if (previous.deletedAt === null && next.deletedAt !== null) return 'DELETE';
  if (previous.deletedAt !== null && next.deletedAt === null) return 'UNDELETE';
  return 'UPDATE';
}

/**
 * A record written twice in one transaction yields one event of its first change type (CDC guide,
 * "General Considerations"); records changed the same way merge into one event ("Merged Change Events").
 */
export function draftTransactionEvents(
  writes: TaskWrite[],
  taskFields: readonly FieldDef[] = SCHEMA.Task,
): DraftEvent[] {
  const byRecord = new Map<string, TaskWrite>();
  for (const write of writes) {
    const id = write.next.fields.Id as string;
    const seen = byRecord.get(id);
    byRecord.set(id, seen ? { previous: seen.previous, next: write.next } : write);
  }
  const drafts: DraftEvent[] = [];
  const mergeKeys = new Map<string, DraftEvent>();
  for (const [id, { previous, next }] of byRecord) {
    const changeType = classify(previous, next);
    let body: Record<string, unknown> = {};
    let changedFields: string[] = [];
    let nulledFields: string[] = [];
    if (changeType === 'CREATE' || changeType === 'UNDELETE') body = fullBody(taskFields, next.fields);
    else if (changeType === 'UPDATE')
      ({ body, changedFields, nulledFields } = updateBody(taskFields, (previous as TaskRecord).fields, next.fields));
    const draft: DraftEvent = {
      entityName: 'Task',
      recordIds: [id],
      changeType,
      changeOrigin: next.changeOrigin ?? '',
      commitTimestamp: next.fields.SystemModstamp as number,
      commitUser: next.fields.LastModifiedById as string,
      nulledFields,
      diffFields: [],
      changedFields,
      body,
    };
    // Merging only matters when a transaction wrote several records.
    const key =
      byRecord.size > 1 ? JSON.stringify([changeType, draft.changeOrigin, draft.commitUser, changedFields, body]) : '';
    const same = mergeKeys.get(key);
    if (same) {
      same.recordIds.push(id);
      continue;
    }
    mergeKeys.set(key, draft);
    drafts.push(draft);
  }
  // One transaction commits at one instant: its latest stamp.
  const commitTimestamp = Math.max(...drafts.map((d) => d.commitTimestamp));
  for (const draft of drafts) draft.commitTimestamp = commitTimestamp;
  return drafts;
}

/**
 * The event as a subscriber whose field-level security hides `hidden` receives it: CDC delivers
 * only the fields the subscribed user may view (the header's field lists drop them too).
 */
export function withoutHiddenFields(data: ChangeEventData, hidden: readonly string[]): ChangeEventData {
  const drop = new Set(hidden);
  const { ChangeEventHeader: header, ...body } = data.payload;
  const visible = (names: string[]) => names.filter((n) => !drop.has(n));
  return {
    ...data,
    payload: {
      ChangeEventHeader: {
        ...header,
        changedFields: visible(header.changedFields),
        nulledFields: visible(header.nulledFields),
        diffFields: visible(header.diffFields),
      },
      ...Object.fromEntries(Object.entries(body).filter(([name]) => !drop.has(name))),
    },
  };
}

/** A gap event: the header only, so the subscriber re-reads the records by id. */
export function draftGapEvent(
  changeType: ChangeType,
  recordIds: string[],
  commitUser: string,
  commitTimestamp: number,
): DraftEvent {
  return {
    entityName: 'Task',
    recordIds,
    changeType,
    changeOrigin: '',
    commitTimestamp,
    commitUser,
    nulledFields: [],
    diffFields: [],
    changedFields: [],
    body: {},
  };
}

/** Numbers a transaction's drafts: one transaction key, sequence numbers from 1. */
export function sealTransaction(
  drafts: DraftEvent[],
  commitNumber: number,
  nextReplayId: () => number,
  publishedAt: number,
): RetainedEvent[] {
  const transactionKey = randomUUID();
  return drafts.map(({ body, ...header }, i) => {
    const replayId = nextReplayId();
    const ChangeEventHeader: ChangeEventHeader = {
      entityName: header.entityName,
      recordIds: header.recordIds,
      changeType: header.changeType,
      changeOrigin: header.changeOrigin,
      transactionKey,
      sequenceNumber: i + 1,
      commitTimestamp: header.commitTimestamp,
      commitNumber,
      commitUser: header.commitUser,
      nulledFields: header.nulledFields,
      diffFields: header.diffFields,
      changedFields: header.changedFields,
    };
    return {
      replayId,
      entityName: 'Task',
      publishedAt,
      data: { schema: TASK_CHANGE_EVENT_SCHEMA, payload: { ChangeEventHeader, ...body }, event: { replayId } },
    };
  });
}
