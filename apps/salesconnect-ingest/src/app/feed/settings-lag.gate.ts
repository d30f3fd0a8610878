import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { SettingsLag } from '@task-sync/data-access-connection-settings';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';

/**
 * Without it, after a restart the catch-up could read a change before the enable that precedes it,
 * skip it as not enabled, and move its cursor past it for good. Webhooks need no gate: what they
 * skip is not recorded, so the catch-up sees it again.
 */
@Injectable()
export class SettingsLagGate implements OnApplicationShutdown {
  private readonly lag: SettingsLag;

  constructor(@Inject(Kafka) kafka: Kafka, @Inject(APP_CONFIG) config: SalesconnectIngestConfig) {
    this.lag = new SettingsLag(kafka, config.KAFKA_CONSUMER_GROUP);
  }

  /** Waits up to `timeoutMs` for the consumer group to reach the log end as it is now; false if it did not. */
  waitForSettings(timeoutMs: number): Promise<boolean> {
    return this.lag.waitUntilCaughtUp(timeoutMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.lag.close();
  }
}
