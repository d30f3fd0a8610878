import { loadConfig } from '@task-sync/util-config';
import { JsonLogger, bootstrapService, runService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { sfdcIngestConfigSchema } from './app/sfdc-ingest.config';

const logger = new JsonLogger('sfdc-ingest', 'info');

runService(async () => {
  const config = loadConfig(sfdcIngestConfigSchema, process.env);
  logger.pino.level = config.LOG_LEVEL;
  await bootstrapService({ module: AppModule.forRoot(config, logger), config, logger, consume: true, migrateOnly: process.argv.includes('--migrate-only') });
}, logger);
