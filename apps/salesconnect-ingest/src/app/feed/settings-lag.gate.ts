import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { type Admin, Kafka } from 'kafkajs';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';
import { sleep } from './with-retry';

/**
 * Whether this service's settings projection has applied every setting change that was on the
 * settings topic when a catch-up round began. The catch-up asks before reading the feed: after a
 * restart it could otherwise read a change before the enable that precedes it, skip it as "not
 * enabled", and move its cursor past it for good. (A webhook needs no gate: what it skips is not
 * recorded, so the catch-up sees it again.)
 */
@Injectable()
export class SettingsLagGate implements OnApplicationShutdown {
  private admin?: Admin;
  private connecting?: Promise<Admin>;

  constructor(
    @Inject(Kafka) private readonly kafka: Kafka,
    @Inject(APP_CONFIG) private readonly config: SalesconnectIngestConfig,
  ) {}

  /** Waits up to `timeoutMs` for the consumer group to reach the log end as it is now; false if it did not. */
  async waitForSettings(timeoutMs: number): Promise<boolean> {
    const admin = await this.connect();
    const topic = KAFKA_TOPICS.settingsChanges;
    const ends = await admin.fetchTopicOffsets(topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId: this.config.KAFKA_CONSUMER_GROUP, topics: [topic] });
      const lagging = ends.filter((end) => {
        if (end.high === end.low) return false; // nothing to apply in that partition
        const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        return BigInt(at) < BigInt(end.high);
      });
      if (lagging.length === 0) return true;
      if (Date.now() >= deadline) return false;
      await sleep(100);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
  }

  private async connect(): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
      return admin;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}
