import { DynamicModule, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { JsonLogger, KafkaPublisher, ServiceKitModule, StatusReporter } from '@task-sync/util-nest';
import { ConnectorSettingsApiCallsClient, OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { ConnectorSettingsSessionClient } from '@task-sync/sfdc-client';
import type { SfdcIngestConfig } from './sfdc-ingest.config';
import { ApiBudget } from './sync/api-budget';
import { OrgPollRepository } from './org-reads/org-poll.repository';
import { OrgPollRunner } from './org-reads/org-poll.runner';
import { OrgReadScheduler } from './org-reads/org-read.scheduler';
import { OrgReaderDirectory } from './org-reads/org-reader.directory';
import { OrgChangePublisher } from './stream/org-change.publisher';
import { OrgStreamRepository } from './stream/org-stream.repository';
import { OrgStreamSupervisor } from './stream/org-stream.supervisor';
import { OrgStreamStatusReporter } from './stream/org-stream-status.reporter';
import { ConnectionSyncRunner } from './sync/connection-sync.runner';
import { SfdcSyncStateRepository } from './sync/sync-state.repository';
import { IngestSchedulerService } from './sync/ingest-scheduler.service';
import { SFDC_INGEST_MIGRATIONS } from './sync/migrations';
import { PublishedChangeRepository } from './sync/published-change.repository';

/**
 * Salesforce → Kafka: follows the settings topic, imports on each enable (R2, R5), then reads every
 * enabled connection's changes and deletes (R6) and stops reading a disabled one (R7). An org with
 * a connected reader is read once: one replica streams its Change Data Capture events and its poll
 * is the safety net; other orgs' connections are polled one by one, less often while idle.
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
            // Looked up a page at a time by connection and task ids, which a first import fills.
            firstStatistics: ['sfdc_published_change'],
            // Every table is read and written by typed SQL in its repository (no entities).
            migrations: [...settingsProjection.migrations, ...SFDC_INGEST_MIGRATIONS],
          },
        }),
      ],
      controllers: [...settingsProjection.consumers],
      providers: [
        { provide: ApiBudget, useValue: new ApiBudget(config.API_BUDGET_SHARE, config.PAUSE_RECHECK_MS) },
        { provide: OrgApiCallLedger, useFactory: () => createApiCallLedger(config), inject: [] },
        {
          provide: ConnectorSettingsSessionClient,
          useValue: new ConnectorSettingsSessionClient(config.CONNECTOR_SETTINGS_URL, config.INTERNAL_SERVICE_TOKEN),
        },
        {
          provide: StatusReporter,
          useFactory: (publisher: KafkaPublisher) => new StatusReporter(publisher, config.SERVICE_NAME),
          inject: [KafkaPublisher],
        },
        {
          provide: OrgStreamStatusReporter,
          useFactory: (publisher: KafkaPublisher) => new OrgStreamStatusReporter(publisher, config.SERVICE_NAME),
          inject: [KafkaPublisher],
        },
        {
          provide: PublishedChangeRepository,
          useFactory: (dataSource: DataSource) => new PublishedChangeRepository(dataSource),
          inject: [DataSource],
        },
        {
          provide: OrgStreamRepository,
          useFactory: (dataSource: DataSource) => new OrgStreamRepository(dataSource),
          inject: [DataSource],
        },
        {
          provide: SfdcSyncStateRepository,
          useFactory: (dataSource: DataSource) => new SfdcSyncStateRepository(dataSource),
          inject: [DataSource],
        },
        {
          provide: ConnectionSyncRunner,
          useFactory: (
            dataSource: DataSource,
            publisher: KafkaPublisher,
            status: StatusReporter,
            published: PublishedChangeRepository,
            states: SfdcSyncStateRepository,
          ) => new ConnectionSyncRunner(dataSource, publisher, status, published, states, config),
          inject: [DataSource, KafkaPublisher, StatusReporter, PublishedChangeRepository, SfdcSyncStateRepository],
        },
        {
          provide: OrgChangePublisher,
          useFactory: (
            dataSource: DataSource,
            publisher: KafkaPublisher,
            published: PublishedChangeRepository,
            streams: OrgStreamRepository,
          ) => new OrgChangePublisher(dataSource, publisher, published, streams),
          inject: [DataSource, KafkaPublisher, PublishedChangeRepository, OrgStreamRepository],
        },
        {
          provide: OrgPollRepository,
          useFactory: (dataSource: DataSource) => new OrgPollRepository(dataSource),
          inject: [DataSource],
        },
        {
          provide: OrgPollRunner,
          useFactory: (
            dataSource: DataSource,
            kafka: KafkaPublisher,
            routed: OrgChangePublisher,
            polls: OrgPollRepository,
            published: PublishedChangeRepository,
          ) => new OrgPollRunner(dataSource, kafka, routed, polls, published, config),
          inject: [DataSource, KafkaPublisher, OrgChangePublisher, OrgPollRepository, PublishedChangeRepository],
        },
        OrgReaderDirectory,
        IngestSchedulerService,
        OrgStreamSupervisor,
        OrgReadScheduler,
      ],
    };
  }
}

/** Our own Salesforce calls per org, counted here and reported to connector-settings (the allocation set there). */
function createApiCallLedger(config: SfdcIngestConfig): OrgApiCallLedger {
  const logger = new Logger('api-calls');
  return new OrgApiCallLedger(
    new ConnectorSettingsApiCallsClient(config.CONNECTOR_SETTINGS_URL, config.INTERNAL_SERVICE_TOKEN),
    {
      priority: 'read',
      flushMs: config.API_CALLS_REPORT_MS,
      refreshMs: config.API_ALLOCATION_REFRESH_MS,
      warn: (message) => logger.warn(message),
    },
  );
}
