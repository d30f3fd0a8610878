import { DynamicModule, Logger, Module } from '@nestjs/common';
import { settingsProjection, settingsViewProviders } from '@task-sync/data-access-connection-settings';
import { SalesConnectClient } from '@task-sync/salesconnect-client';
import { ConnectorSettingsApiCallsClient, OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { ConnectorSettingsSessionClient } from '@task-sync/sfdc-client';
import { JsonLogger, KafkaPublisher, ServiceKitModule, StatusReporter } from '@task-sync/util-nest';
import { ReconcileChangeService } from './changes/reconcile-change.service';
import { TaskChangesConsumer } from './changes/task-changes.consumer';
import {
  CreateDeletionsAwaitingCreate1764000000440,
  CreateFailedWrites1764000000421,
  IndexTaskWriteQueue1764000000402,
  CreateParkedChanges1764000000401,
  CreateTaskLinks1764000000400,
  IndexTaskWriteByLink1764000000433,
} from './links/migrations';
import { FailedWritesRepository } from './writes/failed-writes.repository';
import { ParkedChangesService } from './changes/parked-changes.service';
import { ParkedChangesRepository } from './changes/parked-changes.repository';
import { TaskLinksRepository } from './links/task-links.repository';
import { WriteQueueRepository } from './writes/write-queue.repository';
import type { ReconcilerConfig } from './reconciler.config';
import { SalesConnectWriteExecutor } from './writes/salesconnect-write.executor';
import { OrgStatusCatalog } from './writes/org-status-catalog';
import { SfdcWriteExecutor } from './writes/sfdc-write.executor';
import { WriteFlusherService } from './writes/write-flusher.service';
import { HeldWriteReadsService } from './writes/held-write-reads.service';
import { CreateDriftRepairRuns1764000000410 } from './drift/drift-repair-run.migration';
import { DriftRepairController } from './drift/drift-repair.controller';
import { DriftRepairReads, DriftRepairService } from './drift/drift-repair.service';
import { DriftRepairScheduler } from './drift/drift-repair.scheduler';
import {
  CreateTaskActivity1764000000430,
  IgnoreFailedWrites1764000000431,
  TuneTaskActivityWrites1764000000432,
} from './activity/task-activity.migration';
import { TaskHealthController } from './activity/task-health.controller';
import { TaskActivityPruneScheduler } from './activity/task-activity-prune.scheduler';

/** A change's decision, links and queued writes commit with its processed-message record; the flusher sends after. */
@Module({})
export class AppModule {
  static forRoot(config: ReconcilerConfig, logger: JsonLogger): DynamicModule {
    const sessions = new ConnectorSettingsSessionClient(config.CONNECTOR_SETTINGS_URL, config.INTERNAL_SERVICE_TOKEN);
    // Our Salesforce writes count against the org's API allocation with sfdc-ingest's reads (set in connector-settings).
    const apiCallsLogger = new Logger('api-calls');
    const calls = new OrgApiCallLedger(
      new ConnectorSettingsApiCallsClient(config.CONNECTOR_SETTINGS_URL, config.INTERNAL_SERVICE_TOKEN),
      {
        priority: 'write',
        flushMs: config.API_CALLS_REPORT_MS,
        refreshMs: config.API_ALLOCATION_REFRESH_MS,
        warn: (message) => apiCallsLogger.warn(message),
      },
    );
    const salesConnect = new SalesConnectClient({
      baseUrl: config.SALESCONNECT_API_URL,
      token: config.SALESCONNECT_APP_TOKEN,
      clientApp: config.SYNC_CLIENT_NAME,
    });
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: {
            schema: 'reconciler',
            // Looked up in batches by keys the planner misjudges without statistics (a first import fills them).
            firstStatistics: ['task_link', 'task_write', 'task_activity'],
            // Every table is read and written by typed SQL in its repository (no entities).
            migrations: [
              ...settingsProjection.migrations,
              CreateTaskLinks1764000000400,
              CreateParkedChanges1764000000401,
              IndexTaskWriteQueue1764000000402,
              CreateDriftRepairRuns1764000000410,
              CreateFailedWrites1764000000421,
              CreateTaskActivity1764000000430,
              IgnoreFailedWrites1764000000431,
              TuneTaskActivityWrites1764000000432,
              IndexTaskWriteByLink1764000000433,
              CreateDeletionsAwaitingCreate1764000000440,
            ],
          },
        }),
      ],
      controllers: [...settingsProjection.consumers, TaskChangesConsumer, DriftRepairController, TaskHealthController],
      providers: [
        ParkedChangesRepository,
        TaskLinksRepository,
        WriteQueueRepository,
        ReconcileChangeService,
        ...settingsViewProviders(config),
        { provide: OrgApiCallLedger, useValue: calls },
        {
          provide: SfdcWriteExecutor,
          useValue: new SfdcWriteExecutor(sessions, {
            apiVersion: config.SALESFORCE_API_VERSION,
            clientName: config.SYNC_CLIENT_NAME,
            calls,
            statuses: new OrgStatusCatalog(config.ORG_STATUSES_REFRESH_MS),
          }),
        },
        {
          provide: SalesConnectWriteExecutor,
          useValue: new SalesConnectWriteExecutor(salesConnect, config.SALESCONNECT_WRITE_CONCURRENCY),
        },
        {
          provide: StatusReporter,
          useFactory: (publisher: KafkaPublisher) => new StatusReporter(publisher, config.SERVICE_NAME),
          inject: [KafkaPublisher],
        },
        {
          provide: FailedWritesRepository,
          useValue: new FailedWritesRepository({
            intervalMs: config.FAILED_WRITE_RETRY_INTERVAL_MS,
            maxAttempts: config.FAILED_WRITE_MAX_ATTEMPTS,
          }),
        },
        HeldWriteReadsService,
        WriteFlusherService,
        ParkedChangesService,
        // Drift repair: reads both sides' linked tasks with the reps' sessions, counted against the org's allocation like the writes.
        { provide: DriftRepairReads, useValue: new DriftRepairReads(sessions, calls, salesConnect) },
        DriftRepairService,
        DriftRepairScheduler,
        TaskActivityPruneScheduler,
      ],
    };
  }
}
