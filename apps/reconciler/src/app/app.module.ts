import { DynamicModule, Module } from '@nestjs/common';
import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { JsonLogger, ServiceKitModule } from '@task-sync/util-nest';
import type { ReconcilerConfig } from './reconciler.config';

/** Both change topics → decisions → writes. Issue 8 adds the decisions; for now it follows the settings topic. */
@Module({})
export class AppModule {
  static forRoot(config: ReconcilerConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: { schema: 'reconciler', entities: settingsProjection.entities, migrations: settingsProjection.migrations },
        }),
      ],
      controllers: [...settingsProjection.consumers],
    };
  }
}
