import { startService } from '@task-sync/util-nest';
import { AppModule } from './app/app.module';
import { connectorSettingsConfigSchema } from './app/connector-settings.config';

startService({
  name: 'connector-settings',
  configSchema: connectorSettingsConfigSchema,
  env: process.env,
  module: (config, logger) => AppModule.forRoot(config, logger),
  options: (config) => ({
    configure: (app) => {
      app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT });
      // req.ip (rate limits by address) reads X-Forwarded-For only from the proxies we run behind.
      if (config.TRUST_PROXY_HOPS > 0) app.set('trust proxy', config.TRUST_PROXY_HOPS);
    },
  }),
});
