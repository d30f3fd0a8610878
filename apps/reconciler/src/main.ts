import { startService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { reconcilerConfigSchema } from './app/reconciler.config';

startService({
  name: 'reconciler',
  configSchema: reconcilerConfigSchema,
  env: process.env,
  module: (config, logger) => AppModule.forRoot(config, logger),
  options: (config) => ({ partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY }),
});
