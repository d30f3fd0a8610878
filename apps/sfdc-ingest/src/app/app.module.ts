import { DynamicModule, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { JsonLogger, KafkaPublisher, ServiceKitModule, StatusReporter } from '@task-sync/util-nest';
import { ConnectorSettingsApiCallsClient, OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { ConnectorSettingsSessionClient } from '@task-sync/sfdc-client';
import type { SfdcIngestConfig } from './sfdc-ingest.config';
import { ApiBudget } from './sync/api-budget';
import { OrgChangePublisher } from './stream/org-change.publisher';
import { SfdcOrgStreamEntity } from './stream/org-stream.entity';
import { OrgStreamRepository } from './stream/org-stream.repository';
import { OrgStreamSupervisor } from './stream/org-stream.supervisor';
import { ConnectionSyncRunner } from './sync/connection-sync.runner';
import { IngestSchedulerService } from './sync/ingest-scheduler.service';
import { AddPublishedChangeFingerprint1764000000301, CreateSfdcOrgStream1764000000302, CreateSfdcSyncState1764000000300, CreateSfdcTaskRoute1764000000303 } from './sync/migrations';
import { PublishedChangeRepository } from './sync/published-change.repository';
import { SfdcPublishedChangeEntity, SfdcSyncStateEntity } from './sync/sync-state.entity';

/**
 * Salesforce → Kafka: follows the settings topic, imports on each enable (R2, R5), then polls every
 * enabled connection for changes and deletes (R6) and stops reading a disabled one (R7). Where an
 * org has a connected reader, one replica also streams the org's Change Data Capture events.
 */
@Module({})
export class AppModule {
  static forRoot(config: SfdcIngestConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: {
            schema: 'sfdc_ingest',
            entities: [...settingsProjection.entities, SfdcSyncStateEntity, SfdcPublishedChangeEntity, SfdcOrgStreamEntity],
            migrations: [...settingsProjection.migrations, CreateSfdcSyncState1764000000300, AddPublishedChangeFingerprint1764000000301, CreateSfdcOrgStream1764000000302, CreateSfdcTaskRoute1764000000303],
          },
        }),
      ],
      controllers: [...settingsProjection.consumers],
      providers: [
        { provide: ApiBudget, useValue: new ApiBudget(config.API_BUDGET_SHARE, config.PAUSE_RECHECK_MS) },
        { provide: OrgApiCallLedger, useFactory: () => createApiCallLedger(config), inject: [] },
        { provide: ConnectorSettingsSessionClient, useValue: new ConnectorSettingsSessionClient(config.CONNECTOR_SETTINGS_URL, config.INTERNAL_SERVICE_TOKEN) },
        { provide: StatusReporter, useFactory: (publisher: KafkaPublisher) => new StatusReporter(publisher, config.SERVICE_NAME), inject: [KafkaPublisher] },
        { provide: PublishedChangeRepository, useFactory: (dataSource: DataSource) => new PublishedChangeRepository(dataSource), inject: [DataSource] },
        { provide: OrgStreamRepository, useFactory: (dataSource: DataSource) => new OrgStreamRepository(dataSource), inject: [DataSource] },
        {
          provide: ConnectionSyncRunner,
          useFactory: (dataSource: DataSource, publisher: KafkaPublisher, status: StatusReporter, published: PublishedChangeRepository) =>
            new ConnectionSyncRunner(dataSource, publisher, status, published, config),
          inject: [DataSource, KafkaPublisher, StatusReporter, PublishedChangeRepository],
        },
        {
          provide: OrgChangePublisher,
          useFactory: (dataSource: DataSource, publisher: KafkaPublisher, published: PublishedChangeRepository, streams: OrgStreamRepository) =>
            new OrgChangePublisher(dataSource, publisher, published, streams),
          inject: [DataSource, KafkaPublisher, PublishedChangeRepository, OrgStreamRepository],
        },
        IngestSchedulerService,
        OrgStreamSupervisor,
      ],
    };
  }
}

/** Our own Salesforce calls per org, counted here and reported to connector-settings (the allocation set there). */
function createApiCallLedger(config: SfdcIngestConfig): OrgApiCallLedger {
  const logger = new Logger('api-calls');
  return new OrgApiCallLedger(new ConnectorSettingsApiCallsClient(config.CONNECTOR_SETTINGS_URL, config.INTERNAL_SERVICE_TOKEN), {
    flushMs: config.API_CALLS_REPORT_MS,
    refreshMs: config.API_ALLOCATION_REFRESH_MS,
    warn: (message) => logger.warn(message),
  });
}
