import { DynamicModule, Module } from '@nestjs/common';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { JsonLogger, ServiceKitModule } from '@task-sync/util-nest';
import type { SalesconnectIngestConfig } from './salesconnect-ingest.config';

/** Sales Connect → Kafka. Issue 7 adds webhooks and change-feed catch-up; for now it follows the settings topic. */
@Module({})
export class AppModule {
  static forRoot(config: SalesconnectIngestConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: { schema: 'salesconnect_ingest', entities: settingsProjection.entities, migrations: settingsProjection.migrations },
        }),
      ],
      controllers: [...settingsProjection.consumers],
    };
  }
}
