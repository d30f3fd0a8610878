import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CreateOutboxMessage1764000000001, OutboxMessageEntity } from '@task-sync/data-access-messaging';
import { JsonLogger, ServiceKitModule } from '@task-sync/util-nest';
import { AuthGuard } from './auth/auth.guard';
import { JwtVerifier } from './auth/jwt-verifier';
import { ConnectionEntity, TaskSyncChangeEntity } from './connections/connection.entity';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { CreateConnection1764000000200 } from './connections/migrations';
import type { ConnectorSettingsConfig } from './connector-settings.config';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { DocsController } from './http/docs.controller';
import { OutboxRelayService } from './outbox-relay.service';

/** The settings API: connections, the "Sync tasks" setting, the outbox that announces it. */
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
            entities: [OutboxMessageEntity, ConnectionEntity, TaskSyncChangeEntity],
            migrations: [CreateOutboxMessage1764000000001, CreateConnection1764000000200],
          },
        }),
      ],
      controllers: [ConnectionsController, DocsController],
      providers: [
        OutboxRelayService,
        ConnectionsService,
        AuthGuard,
        {
          provide: JwtVerifier,
          useValue: new JwtVerifier({
            secret: config.JWT_SECRET,
            jwksUrl: config.JWT_JWKS_URL,
            issuer: config.JWT_ISSUER,
            audience: config.JWT_AUDIENCE,
          }),
        },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
