import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per service, with process metrics and the messaging metrics every service shares. */
export class MetricsService {
  readonly registry = new Registry();

  readonly messagesConsumed: Counter<'topic' | 'outcome'>;
  readonly messageHandlingSeconds: Histogram<'topic'>;
  readonly messagesPublished: Counter<'topic'>;
  readonly publishFailures: Counter<'topic'>;
  readonly outboxPending: Gauge;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.messagesConsumed = new Counter({
      name: 'tasksync_kafka_messages_consumed_total',
      help: 'Kafka messages consumed, by outcome (applied, duplicate, dead-lettered, failed).',
      labelNames: ['topic', 'outcome'],
      registers: [this.registry],
    });
    this.messageHandlingSeconds = new Histogram({
      name: 'tasksync_kafka_message_handling_seconds',
      help: 'Time from receiving a message to committing its offset.',
      labelNames: ['topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.messagesPublished = new Counter({
      name: 'tasksync_kafka_messages_published_total',
      help: 'Kafka messages acknowledged by the broker.',
      labelNames: ['topic'],
      registers: [this.registry],
    });
    this.publishFailures = new Counter({
      name: 'tasksync_kafka_publish_failures_total',
      help: 'Publish attempts the broker did not acknowledge (they are retried).',
      labelNames: ['topic'],
      registers: [this.registry],
    });
    this.outboxPending = new Gauge({
      name: 'tasksync_outbox_pending_messages',
      help: 'Outbox rows committed but not yet acknowledged by Kafka.',
      registers: [this.registry],
    });
  }
}
