import { Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

/** kafkajs' levels mapped onto pino's; its INFO chatter (joins, rebalances) goes to debug. */
const LEVELS: Record<number, 'error' | 'warn' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'debug',
  [KafkaLogLevel.DEBUG]: 'debug',
};

export function createKafka(options: { clientId: string; brokers: string[]; logger: Logger }): Kafka {
  const log = options.logger.child({ context: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: KafkaLogLevel.WARN,
    // Bounded: after these the caller sees the error (the outbox keeps the row, the consumer restarts).
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        // We bound retries on purpose (a publish must fail so the outbox or watermark can hold on
        // and retry later); kafkajs warns about it at every start. Consumers de-duplicate by event id.
        const expected = message.startsWith('Limiting retries for the idempotent producer');
        log[expected ? 'debug' : (LEVELS[level] ?? 'debug')]({ namespace, ...fields }, message);
      },
  });
}
