import { loadConfig } from '@task-sync/util-config';
import { JsonLogger, bootstrapService, runService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { connectorSettingsConfigSchema } from './app/connector-settings.config';

const logger = new JsonLogger('connector-settings', 'info');

runService(async () => {
  const migrateOnly = process.argv.includes('--migrate-only');
  // The migration init container is given DATABASE_URL and no other secret: nothing to refuse there.
  const config = loadConfig(connectorSettingsConfigSchema, process.env, { readsSecrets: !migrateOnly });
  logger.pino.level = config.LOG_LEVEL;
  await bootstrapService({
    module: AppModule.forRoot(config, logger),
    config,
    logger,
    consume: true,
    migrateOnly,
    configure: (app) => {
      app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT });
      // req.ip (rate limits by address) reads X-Forwarded-For only from the proxies we run behind.
      if (config.TRUST_PROXY_HOPS > 0) app.set('trust proxy', config.TRUST_PROXY_HOPS);
    },
  });
}, logger);
