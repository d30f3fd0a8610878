import { DynamicModule, Module } from '@nestjs/common';
import { SettingsView, settingsProjection, settingsViewProviders } from '@task-sync/data-access-connection-settings';
import { SalesConnectClient } from '@task-sync/salesconnect-client';
import { JsonLogger, MetricsService, ServiceKitModule } from '@task-sync/util-nest';
import { ChangeHandler, SETTINGS_COVERAGE } from './changes/change-handler.service';
import { EnabledConnectionsQuery } from './changes/enabled-connections.query';
import { FeedStateRepository } from './changes/feed-state.repository';
import { CreateSalesConnectFeedState1764000000700, CreateTaskChangeOrder1764000000710 } from './changes/migrations';
import { CatchUpService } from './feed/catch-up.service';
import { IngestMetrics } from './ingest.metrics';
import type { SalesconnectIngestConfig } from './salesconnect-ingest.config';
import { ConnectionStatusReporter } from './status/connection-status.reporter';
import { WebhookReceiver } from './webhook/webhook-receiver.service';
import { WebhookSubscriptionService } from './webhook/webhook-subscription.service';

/** Webhooks for speed, the change feed's catch-up so nothing is missed: both through one ChangeHandler. */
@Module({})
export class AppModule {
  static forRoot(config: SalesconnectIngestConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: {
            schema: 'salesconnect_ingest',
            migrations: [
              ...settingsProjection.migrations,
              CreateSalesConnectFeedState1764000000700,
              CreateTaskChangeOrder1764000000710,
            ],
          },
        }),
      ],
      controllers: [...settingsProjection.consumers],
      providers: [
        {
          provide: SalesConnectClient,
          useValue: new SalesConnectClient({
            baseUrl: config.SALESCONNECT_API_URL,
            token: config.SALESCONNECT_APP_TOKEN,
            timeoutMs: 10_000,
          }),
        },
        {
          provide: IngestMetrics,
          useFactory: (metrics: MetricsService) => new IngestMetrics(metrics.registry),
          inject: [MetricsService],
        },
        FeedStateRepository,
        EnabledConnectionsQuery,
        ChangeHandler,
        ConnectionStatusReporter,
        WebhookReceiver,
        WebhookSubscriptionService,
        // A change of a user without a sync is skipped only on a view of the settings that covers its time.
        ...settingsViewProviders(config),
        { provide: SETTINGS_COVERAGE, useExisting: SettingsView },
        CatchUpService,
      ],
    };
  }
}
