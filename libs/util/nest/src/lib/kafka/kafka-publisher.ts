import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { MESSAGE_HEADERS } from '@task-sync/contracts';
import type { MetricsService } from '../observability/metrics.service';

export interface OutgoingMessage {
  topic: string;
  key: string;
  /** The encoded event (see encodeEvent in @task-sync/contracts). */
  value: string;
  eventId: string;
  eventType: string;
}

/**
 * An idempotent producer (acks from all in-sync replicas, broker-side de-duplication of retries).
 * `publish` resolves only when Kafka acknowledged every message, and rejects otherwise so the caller
 * keeps what it has (an outbox row, a watermark) and tries again: a failed publish is never dropped.
 */
export class KafkaPublisher {
  private readonly producer: Producer;
  private readonly admin: Admin;

  constructor(
    kafka: Kafka,
    private readonly producerName: string,
    private readonly metrics: MetricsService,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner, // murmur2, as the Java client: same key, same partition
    });
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** Readiness: the cluster answers a metadata request. */
  async check(): Promise<void> {
    await this.admin.describeCluster();
  }

  /** Each partition's end offset now (every message acknowledged so far lies before it), and its first one kept. */
  async topicEnds(topic: string): Promise<{ partition: number; offset: string; low: string }[]> {
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => ({
      partition,
      offset: high,
      low,
    }));
  }

  /**
   * Sends in requests of at most `maxRequestBytes` (the broker refuses a request over its
   * `message.max.bytes`, 1 MB by default, and 2,000 tasks with long descriptions are far more), in order.
   */
  async publish(messages: OutgoingMessage[], maxRequestBytes = 512 * 1024): Promise<void> {
    let chunk: OutgoingMessage[] = [];
    let bytes = 0;
    for (const m of messages) {
      const size = Buffer.byteLength(m.value) + Buffer.byteLength(m.key) + 128;
      if (chunk.length > 0 && bytes + size > maxRequestBytes) {
        await this.send(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(m);
      bytes += size;
    }
    if (chunk.length > 0) await this.send(chunk);
  }

  private async send(messages: OutgoingMessage[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((m) => ({
            key: m.key,
            value: m.value,
            headers: {
              [MESSAGE_HEADERS.eventId]: m.eventId,
              [MESSAGE_HEADERS.eventType]: m.eventType,
              [MESSAGE_HEADERS.producer]: this.producerName,
            },
          })),
        })),
      });
    } catch (e) {
      for (const [topic, list] of byTopic) this.metrics.publishFailures.inc({ topic }, list.length);
      throw e;
    }
    for (const [topic, list] of byTopic) this.metrics.messagesPublished.inc({ topic }, list.length);
  }
}
