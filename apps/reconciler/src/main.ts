import { loadConfig } from '@task-sync/util-config';
import { JsonLogger, bootstrapService, runService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { reconcilerConfigSchema } from './app/reconciler.config';

const logger = new JsonLogger('reconciler', 'info');

runService(async () => {
  const migrateOnly = process.argv.includes('--migrate-only');
  // The migration init container is given DATABASE_URL and no other secret: nothing to refuse there.
  const config = loadConfig(reconcilerConfigSchema, process.env, { readsSecrets: !migrateOnly });
  logger.pino.level = config.LOG_LEVEL;
  await bootstrapService({
    module: AppModule.forRoot(config, logger),
    config,
    logger,
    consume: true,
    migrateOnly,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
  });
}, logger);
