import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { KAFKA_TOPICS, type SalesConnectTaskChanged, type SfdcTaskChanged } from '@task-sync/contracts';
import { processEachOnce } from '@task-sync/data-access-messaging';
import { APP_CONFIG, BATCH, HandlerOutcome, KafkaBatchContext } from '@task-sync/util-nest';
import type { ServiceConfig } from '@task-sync/util-config';
import { ReconcileChangeService, type Decidable, type RunSettings } from './reconcile-change.service';
import { toSyncChange } from './to-sync-change';

/**
 * One transaction a run of a partition's changes, not a change: an import is two messages a task
 * (the change and its echo), and a commit each was most of the reconciler's time.
 */
@Controller()
export class TaskChangesConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ServiceConfig,
    @Inject(ReconcileChangeService) private readonly reconcile: ReconcileChangeService,
  ) {}

  @EventPattern(KAFKA_TOPICS.sfdcTaskChanges, BATCH)
  onSfdcChanges(@Payload() events: SfdcTaskChanged[], @Ctx() ctx: KafkaBatchContext): Promise<HandlerOutcome[]> {
    return this.handle(events, ctx);
  }

  @EventPattern(KAFKA_TOPICS.salesconnectTaskChanges, BATCH)
  onSalesConnectChanges(
    @Payload() events: SalesConnectTaskChanged[],
    @Ctx() ctx: KafkaBatchContext,
  ): Promise<HandlerOutcome[]> {
    return this.handle(events, ctx);
  }

  private async handle(
    events: (SfdcTaskChanged | SalesConnectTaskChanged)[],
    ctx: KafkaBatchContext,
  ): Promise<HandlerOutcome[]> {
    const refs = ctx.metas.map(({ topic, partition, offset }, i) => ({
      consumer: this.config.SERVICE_NAME,
      eventId: events[i].eventId,
      topic,
      partition,
      offset,
    }));
    const changes = events.map(toSyncChange);
    await this.reconcile.prepareSettingsFor(changes);
    return processEachOnce(this.dataSource, refs, async (manager, fresh) => {
      const run: RunSettings = await this.reconcile.runSettingsFor(
        manager,
        events.filter((_, i) => fresh[i]).map((e) => e.connectionId),
      );
      const decidable: Decidable[] = [];
      for (const [i, event] of events.entries()) {
        if (!fresh[i]) continue;
        const change = changes[i];
        const check = await this.reconcile.parkIfSettingUnknown(manager, event.connectionId, change, run);
        if (!check.parked) decidable.push({ connectionId: event.connectionId, change, settings: check.settings });
      }
      // A connection's changes after one that was parked are parked too, so deciding the rest after the loop keeps every connection's order.
      await this.reconcile.decide(manager, decidable);
    });
  }
}
