import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  ConnectionStatusChanged,
  FAILED_WRITE_CHANGED,
  KAFKA_TOPICS,
  ORG_STREAM_STATUS_CHANGED,
  type FailedWriteChanged,
  type OrgStreamStatusChanged,
} from '@task-sync/contracts';
import { processOnce } from '@task-sync/data-access-messaging';
import { APP_CONFIG, HandlerOutcome, KafkaMessageContext } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { OrgReaderRepository } from '../org-reader/org-reader.repository';
import { applyStatusReport } from './apply-status';
import { applyFailedWriteReport } from './failed-tasks';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Status reports from the other services (connections', their failed tasks', and each org stream's), applied once each. */
@Controller()
export class StatusConsumer {
  private readonly logger = new Logger('status');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ConnectorSettingsConfig,
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
  ) {}

  @EventPattern(KAFKA_TOPICS.connectionStatus)
  async onStatus(
    @Payload() report: ConnectionStatusChanged | OrgStreamStatusChanged | FailedWriteChanged,
    @Ctx() ctx: KafkaMessageContext,
  ): Promise<HandlerOutcome> {
    const { topic, partition, offset } = ctx.meta;
    const once = { consumer: this.config.SERVICE_NAME, eventId: report.eventId, topic, partition, offset };
    if (report.type === ORG_STREAM_STATUS_CHANGED) {
      const { state, reason, pollEveryMs, retryAt } = report;
      return processOnce(this.dataSource, once, (manager) =>
        this.readers.recordStream(manager, report.orgId, {
          state,
          reason,
          since: report.occurredAt,
          ...(pollEveryMs ? { pollEveryMs } : {}),
          ...(retryAt ? { retryAt } : {}),
        }),
      );
    }
    // Connections are ours and their ids are UUIDs: a report about anything else names no connection
    // of ours (it must not fail the handler forever and hold the partition up).
    if (!UUID.test(report.connectionId)) {
      this.logger.warn(
        `status report from ${report.reportedBy} names ${JSON.stringify(report.connectionId)}, which is no connection id; ignored`,
      );
      return 'ignored';
    }
    if (report.type === FAILED_WRITE_CHANGED)
      return processOnce(this.dataSource, once, (manager) => applyFailedWriteReport(manager, report));
    return processOnce(this.dataSource, once, (manager) => applyStatusReport(manager, report));
  }
}
