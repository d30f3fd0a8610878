import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@task-sync/data-access-messaging';
import { APP_CONFIG, JsonLogger, KafkaPublisher, MetricsService } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from './connector-settings.config';

/** On shutdown it finishes the batch in flight. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(KafkaPublisher) publisher: KafkaPublisher,
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(JsonLogger) logger: JsonLogger,
    @Inject(APP_CONFIG) config: ConnectorSettingsConfig,
  ) {
    this.relay = new OutboxRelay({
      dataSource,
      publisher,
      metrics,
      logger: logger.child('outbox-relay'),
      pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
      batchSize: config.OUTBOX_BATCH_SIZE,
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
