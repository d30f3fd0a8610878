import { randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka } from 'kafkajs';
import { sleep } from '@task-sync/testing-stack';
import type { CeilingResult } from '../report/results';

const BATCH = 500;
const IN_FLIGHT = 4;

/** Bare kafkajs on the same broker; the producer is idempotent with acks from all replicas, as the services'. */
export async function measureCeiling(
  kafka: Kafka,
  records: number,
  recordBytes: number,
  partitions: number,
): Promise<CeilingResult> {
  const topic = `bench.ceiling.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, allowAutoTopicCreation: false });
  const keyBytes = 36;
  const value = Buffer.alloc(Math.max(1, recordBytes - keyBytes), 'x');
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // Wait until the reader owns the partitions, so the clock does not count its join.
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    let read = 0;
    let resolveAll = () => undefined as void;
    const allRead = new Promise<void>((resolve) => (resolveAll = resolve));
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          if (message.value) read++;
          resolveOffset(message.offset);
        }
        await heartbeat();
        if (read >= records) resolveAll();
      },
    });
    await Promise.race([joined, sleep(30_000)]);

    const started = process.hrtime.bigint();
    let sent = 0;
    const sendNext = async (): Promise<void> => {
      while (sent < records) {
        const n = Math.min(BATCH, records - sent);
        sent += n;
        await producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.None,
          messages: Array.from({ length: n }, () => ({ key: randomUUID(), value })),
        });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sendNext));
    await allRead;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { records, recordBytes, partitions, seconds, recordsPerSecond: records / seconds };
  } finally {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
