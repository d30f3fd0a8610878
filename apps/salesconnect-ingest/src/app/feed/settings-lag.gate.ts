import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { SettingsLag } from '@task-sync/data-access-connection-settings';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';

/**
 * Whether this service's settings projection has applied every setting change that was on the
 * settings topic when a catch-up round began. The catch-up asks before reading the feed: after a
 * restart it could otherwise read a change before the enable that precedes it, skip it as "not
 * enabled", and move its cursor past it for good. (A webhook needs no gate: what it skips is not
 * recorded, so the catch-up sees it again.)
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
