import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { KAFKA_TOPICS, TaskSyncSettingChanged } from '@task-sync/contracts';
import { processOnce } from '@task-sync/data-access-messaging';
import { APP_CONFIG, HandlerOutcome, KafkaMessageContext } from '@task-sync/util-nest';
import type { ServiceConfig } from '@task-sync/util-config';
import { applySettingChange } from './apply-setting-change';

/** Thin handler: the decoded event → one transaction that applies it once. */
@Controller()
export class SettingsChangesConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @EventPattern(KAFKA_TOPICS.settingsChanges)
  async onSettingChanged(
    @Payload() event: TaskSyncSettingChanged,
    @Ctx() ctx: KafkaMessageContext,
  ): Promise<HandlerOutcome> {
    const { topic, partition, offset } = ctx.meta;
    return processOnce(
      this.dataSource,
      { consumer: this.config.SERVICE_NAME, eventId: event.eventId, topic, partition, offset },
      (manager) => applySettingChange(manager, event),
    );
  }
}
