import { startService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { sfdcIngestConfigSchema } from './app/sfdc-ingest.config';

startService({
  name: 'sfdc-ingest',
  configSchema: sfdcIngestConfigSchema,
  env: process.env,
  module: (config, logger) => AppModule.forRoot(config, logger),
});
