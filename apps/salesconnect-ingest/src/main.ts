import { startService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { salesconnectIngestConfigSchema } from './app/salesconnect-ingest.config';
import { configureWebhookBodyParser } from './app/webhook/webhook-body-parser';

startService({
  name: 'salesconnect-ingest',
  configSchema: salesconnectIngestConfigSchema,
  env: process.env,
  module: (config, logger) => AppModule.forRoot(config, logger),
  options: () => ({ configure: configureWebhookBodyParser }),
});
