import { loadConfig } from '@task-sync/util-config';
import { JsonLogger, bootstrapService, runService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { connectorSettingsConfigSchema } from './app/connector-settings.config';

const logger = new JsonLogger('connector-settings', 'info');

runService(async () => {
  const config = loadConfig(connectorSettingsConfigSchema, process.env);
  logger.pino.level = config.LOG_LEVEL;
  await bootstrapService({
    module: AppModule.forRoot(config, logger),
    config,
    logger,
    consume: true,
    migrateOnly: process.argv.includes('--migrate-only'),
    configure: (app) => app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT }),
  });
}, logger);
