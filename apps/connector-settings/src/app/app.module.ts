import { DynamicModule, Module } from '@nestjs/common';
import { CreateOutboxMessage1764000000001, OutboxMessageEntity } from '@task-sync/data-access-messaging';
import { JsonLogger, ServiceKitModule } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from './connector-settings.config';
import { OutboxRelayService } from './outbox-relay.service';

/** The settings API. Issue 6 adds OAuth, the "Sync tasks" setting and status; the outbox relay is in place. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorSettingsConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: {
            schema: 'connector_settings',
            entities: [OutboxMessageEntity],
            migrations: [CreateOutboxMessage1764000000001],
          },
        }),
      ],
      providers: [OutboxRelayService],
    };
  }
}
