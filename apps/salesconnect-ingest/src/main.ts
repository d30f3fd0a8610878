import { startService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { salesconnectIngestConfigSchema } from './app/salesconnect-ingest.config';
import { configureWebhookRoute } from './app/webhook/webhook-route';

startService({
  name: 'salesconnect-ingest',
  configSchema: salesconnectIngestConfigSchema,
  env: process.env,
  module: (config, logger) => AppModule.forRoot(config, logger),
  options: () => ({ configure: configureWebhookRoute }),
});
