import { Inject, Injectable, Logger, OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { SettingsLag } from './settings-lag';
import { ConnectorSettingsWatermarkSource, SettingsView } from './settings-watermark';

@Injectable()
class SettingsLagCloser implements OnApplicationShutdown {
  constructor(@Inject(SettingsLag) private readonly lag: SettingsLag) {}

  onApplicationShutdown(): Promise<void> {
    return this.lag.close();
  }
}

/**
 * The providers of a service that judges changes against the settings (R7 exact): its consumer
 * group's lag on the settings topic, and the `SettingsView` built on connector-settings' watermark.
 */
export function settingsViewProviders(config: {
  KAFKA_CONSUMER_GROUP: string;
  CONNECTOR_SETTINGS_URL: string;
  INTERNAL_SERVICE_TOKEN: string;
}): Provider[] {
  return [
    {
      provide: SettingsLag,
      useFactory: (kafka: Kafka) => new SettingsLag(kafka, config.KAFKA_CONSUMER_GROUP),
      inject: [Kafka],
    },
    SettingsLagCloser,
    {
      provide: SettingsView,
      useFactory: (lag: SettingsLag) => {
        const logger = new Logger('settings-view');
        const source = new ConnectorSettingsWatermarkSource(
          config.CONNECTOR_SETTINGS_URL,
          config.INTERNAL_SERVICE_TOKEN,
        );
        return new SettingsView(source, lag, (e) =>
          logger.warn(`settings watermark not known (changes wait for it): ${(e as Error).message}`),
        );
      },
      inject: [SettingsLag],
    },
  ];
}
