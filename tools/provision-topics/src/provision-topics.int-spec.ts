import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import type { KafkaTopic, TopicSpec } from '@task-sync/contracts';
import { provisionTopics } from './provision-topics';

// eslint-disable-next-line no-restricted-properties -- set by the integration global setup
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

describe('provisionTopics (real broker)', () => {
  const admin: Admin = new Kafka({ clientId: 'provision-spec', brokers, logLevel: logLevel.NOTHING }).admin();
  // A throwaway topic, so the product's own topics are never touched by this spec.
  const topic = `spec.provision-${randomUUID().slice(0, 8)}.v1` as KafkaTopic;
  const spec = (partitions: number): TopicSpec[] => [{ topic, partitions, configs: { 'retention.ms': '3600000' } }];
  const partitionCount = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates a missing topic, leaves it alone the second time, and grows it when asked for more partitions', async () => {
    expect(await provisionTopics(admin, spec(2), 1)).toEqual({ created: [topic], grown: [], unchanged: [] });
    expect(await partitionCount()).toBe(2);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0].configEntries[0].configValue).toBe('3600000');

    expect(await provisionTopics(admin, spec(2), 1)).toEqual({ created: [], grown: [], unchanged: [topic] });

    expect(await provisionTopics(admin, spec(4), 1)).toEqual({ created: [], grown: [topic], unchanged: [] });
    expect(await partitionCount()).toBe(4);

    // Never shrinks: asking for fewer is a no-op.
    expect(await provisionTopics(admin, spec(1), 1)).toEqual({ created: [], grown: [], unchanged: [topic] });
    expect(await partitionCount()).toBe(4);
  });
});
