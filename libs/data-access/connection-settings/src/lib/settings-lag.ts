import type { Admin, Kafka } from 'kafkajs';
import { KAFKA_TOPICS } from '@task-sync/contracts';

/**
 * Whether this service's settings projection has applied the settings topic up to a settings
 * watermark's offsets (SettingsView, R7 exact). Applied means the consumer group's committed
 * offsets reach them.
 */
export class SettingsLag {
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

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
