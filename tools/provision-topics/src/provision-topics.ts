import type { Admin } from 'kafkajs';
import type { TopicSpec } from '@task-sync/contracts';

export interface ProvisionResult {
  created: string[];
  /** Topics that existed with fewer partitions and were raised to the configured count. */
  grown: string[];
  unchanged: string[];
}

/**
 * Creates every topic in the list that is missing, and raises the partition count of any that has
 * fewer than configured. Safe to run any number of times; it never deletes or shrinks anything.
 */
export async function provisionTopics(
  admin: Admin,
  specs: TopicSpec[],
  replicationFactor: number,
): Promise<ProvisionResult> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor,
        configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const present = specs.filter((s) => existing.has(s.topic));
  const grown: string[] = [];
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
    const toGrow = present.filter((s) => {
      const current = metadata.topics.find((t) => t.name === s.topic)?.partitions.length ?? 0;
      return current < s.partitions;
    });
    if (toGrow.length > 0) {
      await admin.createPartitions({ topicPartitions: toGrow.map((s) => ({ topic: s.topic, count: s.partitions })) });
      grown.push(...toGrow.map((s) => s.topic));
    }
  }
  return {
    created: missing.map((s) => s.topic),
    grown,
    unchanged: present.map((s) => s.topic).filter((t) => !grown.includes(t)),
  };
}
