import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { ConnectionStatusChanged, KAFKA_TOPICS } from '@task-sync/contracts';
import { processOnce } from '@task-sync/data-access-messaging';
import { APP_CONFIG, HandlerOutcome, KafkaMessageContext } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { applyStatusReport } from './apply-status';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Status reports from the other services, applied once each. */
@Controller()
export class StatusConsumer {
  private readonly logger = new Logger('status');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ConnectorSettingsConfig,
  ) {}

  @EventPattern(KAFKA_TOPICS.connectionStatus)
  async onStatus(@Payload() report: ConnectionStatusChanged, @Ctx() ctx: KafkaMessageContext): Promise<HandlerOutcome> {
    // Connections are ours and their ids are UUIDs: a report about anything else names no connection
    // of ours (it must not fail the handler forever and hold the partition up).
    if (!UUID.test(report.connectionId)) {
      this.logger.warn(`status report from ${report.reportedBy} names ${JSON.stringify(report.connectionId)}, which is no connection id; ignored`);
      return 'ignored';
    }
    const { topic, partition, offset } = ctx.meta;
    return processOnce(
      this.dataSource,
      { consumer: this.config.SERVICE_NAME, eventId: report.eventId, topic, partition, offset },
      (manager) => applyStatusReport(manager, report),
    );
  }
}
