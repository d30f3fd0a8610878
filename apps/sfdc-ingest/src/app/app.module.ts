import { DynamicModule, Module } from '@nestjs/common';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { JsonLogger, ServiceKitModule } from '@task-sync/util-nest';
import type { SfdcIngestConfig } from './sfdc-ingest.config';

/** Salesforce → Kafka. Issue 7 adds the import, polling and deletes; for now it follows the settings topic. */
@Module({})
export class AppModule {
  static forRoot(config: SfdcIngestConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: { schema: 'sfdc_ingest', entities: settingsProjection.entities, migrations: settingsProjection.migrations },
        }),
      ],
      controllers: [...settingsProjection.consumers],
    };
  }
}
