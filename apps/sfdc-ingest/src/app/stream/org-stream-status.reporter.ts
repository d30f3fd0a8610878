import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  KAFKA_TOPICS,
  ORG_STREAM_STATUS_CHANGED,
  encodeEvent,
  type OrgStreamStatusChanged,
} from '@task-sync/contracts';
import type { KafkaPublisher } from '@task-sync/util-nest';

export type OrgStreamReport = Pick<OrgStreamStatusChanged, 'state' | 'reason' | 'pollEveryMs' | 'retryAt'>;

/** Best effort: the stream's own state is in `sfdc_org_stream`; a lost report is corrected by the next one. */
export class OrgStreamStatusReporter {
  private readonly logger = new Logger('sfdc-org-stream');

  constructor(
    private readonly publisher: KafkaPublisher,
    private readonly reportedBy: string,
  ) {}

  async report(orgId: string, report: OrgStreamReport): Promise<void> {
    const event: OrgStreamStatusChanged = {
      eventId: randomUUID(),
      type: ORG_STREAM_STATUS_CHANGED,
      occurredAt: new Date().toISOString(),
      orgId,
      reportedBy: this.reportedBy,
      ...report,
    };
    try {
      await this.publisher.publish([
        {
          topic: KAFKA_TOPICS.connectionStatus,
          key: orgId,
          value: encodeEvent(ORG_STREAM_STATUS_CHANGED, event),
          eventId: event.eventId,
          eventType: ORG_STREAM_STATUS_CHANGED,
        },
      ]);
    } catch (e) {
      this.logger.warn(`org ${orgId}: the stream's state (${report.state}) was not reported (${(e as Error).message})`);
    }
  }
}
