import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { KAFKA_TOPICS, type SalesConnectTaskChanged, type SfdcTaskChanged } from '@task-sync/contracts';
import { processOnce } from '@task-sync/data-access-messaging';
import { APP_CONFIG, HandlerOutcome, KafkaMessageContext } from '@task-sync/util-nest';
import type { ServiceConfig } from '@task-sync/util-config';
import { ReconcileChangeService } from './reconcile-change.service';
import { toSyncChange } from './to-sync-change';

/** Thin handlers: the decoded change → one transaction that decides and queues its writes, once. */
@Controller()
export class TaskChangesConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ServiceConfig,
    @Inject(ReconcileChangeService) private readonly reconcile: ReconcileChangeService,
  ) {}

  @EventPattern(KAFKA_TOPICS.sfdcTaskChanges)
  onSfdcChange(@Payload() event: SfdcTaskChanged, @Ctx() ctx: KafkaMessageContext): Promise<HandlerOutcome> {
    return this.handle(event, ctx);
  }

  @EventPattern(KAFKA_TOPICS.salesconnectTaskChanges)
  onSalesConnectChange(@Payload() event: SalesConnectTaskChanged, @Ctx() ctx: KafkaMessageContext): Promise<HandlerOutcome> {
    return this.handle(event, ctx);
  }

  private async handle(event: SfdcTaskChanged | SalesConnectTaskChanged, ctx: KafkaMessageContext): Promise<HandlerOutcome> {
    const change = toSyncChange(event);
    const { topic, partition, offset } = ctx.meta;
    return processOnce(this.dataSource, { consumer: this.config.SERVICE_NAME, eventId: event.eventId, topic, partition, offset }, async (manager) => {
      const check = await this.reconcile.parkIfSettingUnknown(manager, event.connectionId, change);
      if (!check.parked) await this.reconcile.apply(manager, event.connectionId, change, check.settings);
    });
  }
}
