/** Kafka header names every message carries. */
export const MESSAGE_HEADERS = {
  /** Unique per event; consumers de-duplicate on it. */
  eventId: 'event-id',
  /** The event type, e.g. `task-sync-setting-changed`, so a consumer can reject unknown types early. */
  eventType: 'event-type',
  /** The service that published the message. */
  producer: 'producer',
} as const;

/** Key = the connection plus, where there is one, the task id: one task's changes stay in order. */
export function buildMessageKey(connectionId: string, taskId?: string): string {
  return taskId === undefined ? connectionId : `${connectionId}:${taskId}`;
}
