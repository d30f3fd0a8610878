import type { Admin, Kafka } from 'kafkajs';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether this service's settings projection has applied the settings topic up to given offsets:
 * its end now (the Sales Connect catch-up's gate), or a settings watermark's (SettingsView, R7
 * exact). Applied means the consumer group's committed offsets reach them.
 */
export class SettingsLag {
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  /** Waits up to `timeoutMs` for the group to reach the settings topic's end as it is now; false if it did not. */
  async waitUntilCaughtUp(timeoutMs: number): Promise<boolean> {
    const admin = await this.connect();
    const ends = await admin.fetchTopicOffsets(KAFKA_TOPICS.settingsChanges);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.reaches(admin, ends)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(100);
    }
  }

  /** Whether the group has applied the settings topic up to these offsets (a watermark's). */
  async hasApplied(ends: readonly { partition: number; offset: string; low: string }[]): Promise<boolean> {
    return this.reaches(
      await this.connect(),
      ends.map(({ partition, offset, low }) => ({ partition, high: offset, low })),
    );
  }

  private async reaches(admin: Admin, ends: { partition: number; high: string; low: string }[]): Promise<boolean> {
    const [committed] = await admin.fetchOffsets({ groupId: this.groupId, topics: [KAFKA_TOPICS.settingsChanges] });
    return !ends.some((end) => {
      if (end.high === end.low) return false; // nothing to apply in that partition
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return BigInt(at) < BigInt(end.high);
    });
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin)?.disconnect();
  }

  private connect(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }
}
