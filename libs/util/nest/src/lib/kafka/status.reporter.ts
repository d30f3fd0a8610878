import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  CONNECTION_STATUS_CHANGED,
  KAFKA_TOPICS,
  buildMessageKey,
  encodeEvent,
  type ConnectionStatusChanged,
} from '@task-sync/contracts';
import type { KafkaPublisher, OutgoingMessage } from './kafka-publisher';

export type StatusReport = Pick<ConnectionStatusChanged, 'state' | 'import' | 'lastSyncedAt' | 'apiUsage' | 'error'>;

/** One status report as a validated message on the status topic, keyed by its connection. */
export function buildStatusMessage(connectionId: string, reportedBy: string, report: StatusReport): OutgoingMessage {
  const event: ConnectionStatusChanged = {
    eventId: randomUUID(),
    type: CONNECTION_STATUS_CHANGED,
    occurredAt: new Date().toISOString(),
    connectionId,
    reportedBy,
    ...report,
  };
  return {
    topic: KAFKA_TOPICS.connectionStatus,
    key: buildMessageKey(connectionId),
    value: encodeEvent(CONNECTION_STATUS_CHANGED, event),
    eventId: event.eventId,
    eventType: CONNECTION_STATUS_CHANGED,
  };
}

/**
 * Tells connector-settings how a connection is doing. A report that says something new goes out at
 * once; the same state again at most once a minute (to move "last synced"). A failed publish is
 * forgotten here, so the next step reports again: state is re-sent, not queued.
 */
export class StatusReporter {
  private readonly logger = new Logger('status');
  private readonly last = new Map<string, { signature: string; at: number }>();

  constructor(
    private readonly publisher: KafkaPublisher,
    private readonly reportedBy: string,
    private readonly repeatAfterMs = 60_000,
  ) {}

  async report(connectionId: string, report: StatusReport): Promise<void> {
    const signature = JSON.stringify([
      report.state,
      report.import,
      report.error?.code,
      report.apiUsage && Math.floor((report.apiUsage.used * 100) / report.apiUsage.limit),
    ]);
    const previous = this.last.get(connectionId);
    if (previous && previous.signature === signature && Date.now() - previous.at < this.repeatAfterMs) return;
    try {
      await this.publisher.publish([buildStatusMessage(connectionId, this.reportedBy, report)]);
      this.last.set(connectionId, { signature, at: Date.now() });
    } catch (e) {
      this.last.delete(connectionId);
      this.logger.warn(
        `connection ${connectionId}: status report not published (${(e as Error).message}); the next step reports again`,
      );
    }
  }

  forget(connectionId: string): void {
    this.last.delete(connectionId);
  }
}
