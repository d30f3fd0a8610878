import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { HealthRegistry } from '../observability/health.registry';
import type { MetricsService } from '../observability/metrics.service';
import type { KafkaPublisher } from './kafka-publisher';
import { KafkaConsumerServer } from './kafka-consumer.server';

/**
 * kafkajs' consumer as far as starting and crashing go: what it is asked to do, and its CRASH event.
 * The broker itself is exercised by the chaos run (`npm run chaos`, its smoke test in bench).
 */
function fakeKafka() {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  const consumer = {
    events: { GROUP_JOIN: 'group_join', CRASH: 'crash' },
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    connect: async () => void calls.push('connect'),
    subscribe: async () => void calls.push('subscribe'),
    run: async () => void calls.push('run'),
    disconnect: async () => void calls.push('disconnect'),
  };
  const crash = (restart: boolean) =>
    emitter.emit('crash', { payload: { error: new Error('Failed to find group coordinator'), restart } });
  return { kafka: { consumer: () => consumer } as unknown as Kafka, calls, crash };
}

async function listening(kafka: Kafka): Promise<KafkaConsumerServer> {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const server = new KafkaConsumerServer({
    kafka,
    groupId: 'spec',
    consumerName: 'spec',
    maxAttempts: 1,
    publisher: {} as KafkaPublisher,
    metrics: {} as MetricsService,
    health: new HealthRegistry(1000),
    logger: quiet as unknown as Logger,
  });
  await new Promise<void>((resolve, reject) => server.listen((e) => (e ? reject(e) : resolve())));
  return server;
}

describe('KafkaConsumerServer after a crash', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts the consumer again itself when kafkajs will not (restart: false), a second later', async () => {
    const { kafka, calls, crash } = fakeKafka();
    await listening(kafka);
    expect(calls).toEqual(['connect', 'subscribe', 'run']);
    crash(false);
    await jest.advanceTimersByTimeAsync(999);
    expect(calls).toEqual(['connect', 'subscribe', 'run']);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['connect', 'subscribe', 'run', 'connect', 'run']);
  });

  it('leaves the restart to kafkajs when it restarts (restart: true)', async () => {
    const { kafka, calls, crash } = fakeKafka();
    await listening(kafka);
    crash(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['connect', 'subscribe', 'run']);
  });

  it('does not start again once the server is closing', async () => {
    const { kafka, calls, crash } = fakeKafka();
    const server = await listening(kafka);
    crash(false);
    await server.close();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['connect', 'subscribe', 'run', 'disconnect']);
  });
});
