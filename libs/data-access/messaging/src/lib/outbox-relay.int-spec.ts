import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { KAFKA_TOPICS, MESSAGE_HEADERS } from '@task-sync/contracts';
import { KafkaPublisher, MetricsService } from '@task-sync/util-nest';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { CreateOutboxMessage1764000000001 } from './migrations';
import { enqueueOutbox, OutboxEntry } from './outbox';
import { OutboxRelay } from './outbox-relay';

// The real broker the global setup started (or found), and real PostgreSQL.
// eslint-disable-next-line no-restricted-properties -- set by the integration global setup
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const TOPIC = KAFKA_TOPICS.connectionStatus;

describe('OutboxRelay (real PostgreSQL and Kafka)', () => {
  let db: TestDatabase;
  const kafka = new Kafka({ clientId: 'outbox-spec', brokers, logLevel: logLevel.NOTHING });
  const metrics = new MetricsService('outbox-spec');
  const publisher = new KafkaPublisher(kafka, 'outbox-spec', metrics);

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'outbox_spec',
      migrations: [CreateOutboxMessage1764000000001],
    });
    await publisher.connect();
  });
  afterAll(async () => {
    await publisher.disconnect();
    await db.drop();
  });

  const relay = (p: KafkaPublisher) =>
    new OutboxRelay({
      dataSource: db.dataSource,
      publisher: p,
      metrics,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 50,
      batchSize: 2,
    });

  const entries = (key: string, n: number): OutboxEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      eventId: randomUUID(),
      eventType: 'spec',
      topic: TOPIC,
      key,
      payload: JSON.stringify({ i }),
    }));

  async function readBack(key: string, n: number): Promise<{ value: string; eventId: string }[]> {
    const admin = kafka.admin();
    await admin.connect();
    const groupId = `outbox-spec-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    const seen: { value: string; eventId: string }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${n}`)), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() !== key) return;
            seen.push({
              value: message.value?.toString() ?? '',
              eventId: message.headers?.[MESSAGE_HEADERS.eventId]?.toString() ?? '',
            });
            if (seen.length === n) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
    return seen;
  }

  it('KafkaPublisher sends a batch larger than the broker takes in one request (1 MB a partition) in several, in order', async () => {
    const key = `big-${randomUUID()}`;
    // One key, so one partition: 8 × 300 KB in a single request would be refused as too large.
    const messages = Array.from({ length: 8 }, (_, i) => ({
      topic: TOPIC,
      key,
      value: JSON.stringify({ i, pad: 'x'.repeat(300_000) }),
      eventId: randomUUID(),
      eventType: 'spec',
    }));
    await publisher.publish(messages);
    const seen = await readBack(key, 8);
    expect(seen.map((s) => JSON.parse(s.value).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('publishes committed rows in order, with their event ids, and marks them published', async () => {
    const key = `conn-${randomUUID()}`;
    const rows = entries(key, 5);
    await db.dataSource.transaction((m) => enqueueOutbox(m, rows));

    expect(await relay(publisher).drain()).toBe(5);

    const seen = await readBack(key, 5);
    expect(seen.map((s) => s.eventId)).toEqual(rows.map((r) => r.eventId));
    expect(seen.map((s) => JSON.parse(s.value).i)).toEqual([0, 1, 2, 3, 4]);
    const unpublished = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
    );
    expect(unpublished[0].n).toBe(0);
  });

  it('a commit wakes the relay: its rows go out at once, not at the next poll (R7: a disable reaches the services in milliseconds)', async () => {
    // A poll so slow that only the commit's notification can explain a prompt publish.
    const slow = new OutboxRelay({
      dataSource: db.dataSource,
      publisher,
      metrics,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 600_000,
      batchSize: 10,
    });
    slow.start();
    try {
      await slow.drain(); // what the other tests left, and the first round the start ran
      await new Promise((resolve) => setTimeout(resolve, 500)); // listening, and idle until the next poll
      const key = `conn-${randomUUID()}`;
      await db.dataSource.transaction((m) => enqueueOutbox(m, entries(key, 1)));
      const started = Date.now();
      for (;;) {
        const [row] = await db.dataSource.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE message_key = $1 AND published_at IS NOT NULL`,
          [key],
        );
        if (row.n === 1) break;
        if (Date.now() - started > 10_000)
          throw new Error('the committed row was not published within 10 s: the relay was not woken');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await readBack(key, 1)).toHaveLength(1);
    } finally {
      await slow.stop();
    }
  });

  it('publishes nothing from a transaction that rolled back', async () => {
    const key = `conn-${randomUUID()}`;
    await expect(
      db.dataSource.transaction(async (m) => {
        await enqueueOutbox(m, entries(key, 1));
        throw new Error('the settings change failed');
      }),
    ).rejects.toThrow();
    expect(await relay(publisher).drain()).toBe(0);
  });

  it('keeps the rows, with the error, when Kafka does not acknowledge them', async () => {
    const key = `conn-${randomUUID()}`;
    const rows = entries(key, 2);
    await db.dataSource.transaction((m) => enqueueOutbox(m, rows));
    // A real client to a port nothing listens on: the send fails as it would in an outage.
    const deadKafka = new Kafka({
      clientId: 'dead',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    });
    const deadPublisher = new KafkaPublisher(deadKafka, 'outbox-spec', metrics);

    await expect(relay(deadPublisher).drain()).rejects.toThrow();

    const kept = await db.dataSource.query(
      `SELECT attempts, last_error, published_at FROM outbox_message WHERE message_key = $1 ORDER BY id`,
      [key],
    );
    expect(kept).toHaveLength(2);
    for (const row of kept) {
      expect(row.published_at).toBeNull();
      expect(row.attempts).toBe(1);
      expect(row.last_error).toMatch(/.+/);
    }
    // Kafka is back: the same rows go out, in order.
    expect(await relay(publisher).drain()).toBe(2);
    expect((await readBack(key, 2)).map((s) => s.eventId)).toEqual(rows.map((r) => r.eventId));
  });
});
