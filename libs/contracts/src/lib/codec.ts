import type { z } from 'zod';
import { MessageDecodeError } from './decode-error';
import {
  DEAD_LETTER,
  DEAD_LETTER_REPLAYED,
  deadLetterReplayedSchema,
  deadLetterSchema,
} from './events/dead-letter.event';
import { CONNECTION_STATUS_CHANGED, connectionStatusChangedSchema } from './events/connection-status-changed.event';
import { ORG_STREAM_STATUS_CHANGED, orgStreamStatusChangedSchema } from './events/org-stream-status-changed.event';
import { FAILED_WRITE_CHANGED, failedWriteChangedSchema } from './events/failed-write-changed.event';
import {
  SALESCONNECT_TASK_CHANGED,
  SFDC_TASK_CHANGED,
  salesConnectTaskChangedSchema,
  sfdcTaskChangedSchema,
} from './events/task-changed.event';
import { TASK_SYNC_SETTING_CHANGED, taskSyncSettingChangedSchema } from './events/task-sync-setting-changed.event';
import { KAFKA_TOPICS, KafkaTopic } from './topics';

/** Every event type with its schema. One place, so an unknown type is a typed error, not a crash. */
export const EVENT_SCHEMAS = {
  [TASK_SYNC_SETTING_CHANGED]: taskSyncSettingChangedSchema,
  [SFDC_TASK_CHANGED]: sfdcTaskChangedSchema,
  [SALESCONNECT_TASK_CHANGED]: salesConnectTaskChangedSchema,
  [CONNECTION_STATUS_CHANGED]: connectionStatusChangedSchema,
  [ORG_STREAM_STATUS_CHANGED]: orgStreamStatusChangedSchema,
  [FAILED_WRITE_CHANGED]: failedWriteChangedSchema,
  [DEAD_LETTER]: deadLetterSchema,
  [DEAD_LETTER_REPLAYED]: deadLetterReplayedSchema,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventOf<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];

function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, value);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Validates and serialises an event; an invalid event is a programming error and throws. */
export function encodeEvent<T extends EventType>(type: T, event: EventOf<T>): string {
  const parsed = EVENT_SCHEMAS[type].safeParse(event);
  if (!parsed.success) {
    throw new MessageDecodeError('INVALID_EVENT', `${type}: ${describeIssues(parsed.error)}`);
  }
  return JSON.stringify(parsed.data);
}

/** Which event types each topic carries; anything else on a topic is dead-lettered, not handled. */
export const TOPIC_EVENT_TYPES: Readonly<Record<KafkaTopic, readonly EventType[]>> = {
  [KAFKA_TOPICS.settingsChanges]: [TASK_SYNC_SETTING_CHANGED],
  [KAFKA_TOPICS.sfdcTaskChanges]: [SFDC_TASK_CHANGED],
  [KAFKA_TOPICS.salesconnectTaskChanges]: [SALESCONNECT_TASK_CHANGED],
  [KAFKA_TOPICS.connectionStatus]: [CONNECTION_STATUS_CHANGED, ORG_STREAM_STATUS_CHANGED, FAILED_WRITE_CHANGED],
  [KAFKA_TOPICS.deadLetter]: [DEAD_LETTER, DEAD_LETTER_REPLAYED],
};

/**
 * Decodes a message value into a validated event, or throws a MessageDecodeError naming what is
 * wrong. With `topic`, an event type that does not belong on that topic is an error too.
 */
export function decodeEvent(value: Buffer | string | null, topic?: string): AnyEvent {
  if (value === null) throw new MessageDecodeError('NOT_JSON', 'the message has no value');
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (e) {
    throw new MessageDecodeError('NOT_JSON', (e as Error).message);
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (!isEventType(type)) {
    throw new MessageDecodeError('UNKNOWN_EVENT_TYPE', `type ${JSON.stringify(type)} is not a known event type`);
  }
  if (topic !== undefined) {
    const allowed: readonly string[] | undefined = TOPIC_EVENT_TYPES[topic as KafkaTopic];
    if (!allowed?.includes(type)) {
      throw new MessageDecodeError('UNEXPECTED_EVENT_TYPE', `${type} does not belong on topic ${topic}`);
    }
  }
  const parsed = EVENT_SCHEMAS[type].safeParse(json);
  if (!parsed.success) throw new MessageDecodeError('INVALID_EVENT', `${type}: ${describeIssues(parsed.error)}`);
  return parsed.data as AnyEvent;
}

/** decodeEvent without throwing: for callers that branch on the outcome (and for tests). */
export function tryDecodeEvent(
  value: Buffer | string | null,
  topic?: string,
): { ok: true; event: AnyEvent } | { ok: false; error: MessageDecodeError } {
  try {
    return { ok: true, event: decodeEvent(value, topic) };
  } catch (e) {
    if (e instanceof MessageDecodeError) return { ok: false, error: e };
    throw e;
  }
}
