import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { ConnectionStatusChanged, KAFKA_TOPICS } from '@task-sync/contracts';
import { processOnce } from '@task-sync/data-access-messaging';
import { APP_CONFIG, HandlerOutcome, KafkaMessageContext } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { applyStatusReport } from './apply-status';

/** Status reports from the other services, applied once each. */
@Controller()
export class StatusConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ConnectorSettingsConfig,
  ) {}

  @EventPattern(KAFKA_TOPICS.connectionStatus)
  onStatus(@Payload() report: ConnectionStatusChanged, @Ctx() ctx: KafkaMessageContext): Promise<HandlerOutcome> {
    const { topic, partition, offset } = ctx.meta;
    return processOnce(
      this.dataSource,
      { consumer: this.config.SERVICE_NAME, eventId: report.eventId, topic, partition, offset },
      (manager) => applyStatusReport(manager, report),
    );
  }
}
