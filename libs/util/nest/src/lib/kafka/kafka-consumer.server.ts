import { randomUUID } from 'node:crypto';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { lastValueFrom } from 'rxjs';
import { DEAD_LETTER, KAFKA_TOPICS, MessageDecodeError, decodeEvent, encodeEvent } from '@task-sync/contracts';
import type { HealthRegistry } from '../observability/health.registry';
import type { MetricsService } from '../observability/metrics.service';
import { isDependencyFailure } from './handler-failure';
import type { KafkaPublisher } from './kafka-publisher';
import { buildStatusMessage } from './status.reporter';
import { HandlerOutcome, KafkaBatchContext, KafkaMessageContext, KafkaMessageMeta } from './kafka-message.context';
import { setTimeout as sleep } from 'node:timers/promises';
import { retry } from '@task-sync/util-async';
import { planBatch, type FetchedMessage } from './batch-plan';

/** The wait before a consumer kafkajs gave up on starts again, doubling while it fails. */
const CRASH_RESTART_DELAY_MS = 1_000;
const CRASH_RESTART_MAX_DELAY_MS = 30_000;

export interface KafkaConsumerServerOptions {
  kafka: Kafka;
  groupId: string;
  /** Name recorded in processed-message rows and dead letters. */
  consumerName: string;
  /**
   * Attempts for a throwing handler. Then a dependency down (isDependencyFailure) restarts the
   * consumer from its last commit, to wait; anything else dead-letters the message (a poison message).
   */
  maxAttempts: number;
  /**
   * The group's session timeout: how long after a crash the member's partitions wait before the
   * group hands them on (to its restart or another replica). Heartbeats go every third of it, also
   * while a handler runs. Default 6 s (kafkajs' own, 30 s, kept a SIGKILLed service idle that long).
   */
  sessionTimeoutMs?: number;
  publisher: KafkaPublisher;
  metrics: MetricsService;
  health: HealthRegistry;
  logger: Logger;
  /**
   * Partitions handled at once (kafkajs `partitionsConsumedConcurrently`); one partition's
   * messages stay in order. More than one lets a handler that waits for another topic's
   * partition (the reconciler waiting for a setting) not hold that partition up. Default 1.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * The most a fetch takes from one partition. kafkajs hands every batch of a fetch to the handlers
   * before it fetches again, so a large backlog on one topic (an import) would keep another topic's
   * next message (a setting) waiting for the whole round; small batches keep rounds short. Default 128 KB.
   */
  maxBytesPerPartition?: number;
}

interface Where {
  topic: string;
  partition: number;
  offset: string;
}

/** Commits a handled offset (`offset + 1`) and moves the fetch position past it. */
type Settle = (offset: string) => Promise<void>;

type MessageHandler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

/** A message that decoded: what a handler is given. */
interface Decoded {
  event: { eventId: string };
  meta: KafkaMessageMeta;
}

/** Consecutive valid messages of one partition, handled and committed together. */
type Run = { decoded: Decoded; offset: string; value: Buffer | null }[];

/** See KafkaConsumerServerOptions.sessionTimeoutMs. */
const DEFAULT_SESSION_TIMEOUT_MS = 6_000;

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : String(v)]),
  );
}

/**
 * Our Kafka transport for Nest: handlers are declared with `@EventPattern(KAFKA_TOPICS.x)` as usual,
 * but we own the consumer loop, because Nest's built-in Kafka server hides what this product depends on:
 * - manual commits only (`autoCommit: false`), of `offset + 1`, after the handler's transaction committed;
 * - a message that fails validation goes to the dead-letter topic with the reason, then is committed;
 * - a handler that throws is retried with backoff, a bounded number of times; then, when a dependency
 *   is down (the database, the broker), the consumer restarts from the last commit (kafkajs
 *   re-delivers) and waits, so nothing is skipped; when it is the message itself (a poison message),
 *   the message goes to the dead-letter topic with the error, its connection's status names the
 *   task, and the partition moves on;
 * - on shutdown the in-flight message finishes and is committed before the consumer leaves the group;
 * - a handler declared `@EventPattern(topic, BATCH)` takes each run of valid messages of a fetched
 *   partition batch at once (one transaction, one commit: what an import of 100,000 tasks needs),
 *   with the same retries; an invalid message ends the run before it and is dead-lettered alone.
 */
export class KafkaConsumerServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private inGroup = false;
  private lastCrash?: string;
  private closing = false;
  /** The batches being handled now (one a partition), so close() can wait for them before kafkajs stops. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: KafkaConsumerServerOptions) {
    super();
  }

  /** A third of the session: kafkajs' advice, so two heartbeats may be lost before the session ends. */
  private get heartbeatIntervalMs(): number {
    return Math.floor((this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS) / 3);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    const { kafka, groupId, health, logger } = this.options;
    const topics = [...this.getHandlers().keys()];
    try {
      const consumer = kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        retry: { retries: 10 },
        maxBytesPerPartition: this.options.maxBytesPerPartition ?? 128 * 1024,
        sessionTimeout: this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        heartbeatInterval: this.heartbeatIntervalMs,
        // An idle member heartbeats after each empty fetch: a fetch must not wait longer than a heartbeat's interval.
        maxWaitTimeInMs: Math.min(5_000, this.heartbeatIntervalMs),
      });
      this.consumer = consumer;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        this.inGroup = true;
        this.lastCrash = undefined;
        logger.info(
          { groupId, memberId: payload.memberId, assignment: payload.memberAssignment },
          'joined consumer group',
        );
      });
      const run = () =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
          eachBatch: (payload) => this.track(payload),
        });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.inGroup = false;
        this.lastCrash = payload.error.message;
        logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
        // kafkajs gives up for good on what it calls non-retriable, such as no group coordinator
        // while the broker restarts: nothing would be lost, but nothing would sync until a restart.
        if (!payload.restart) this.startAgain(consumer, run);
      });
      health.register(`kafka-consumer:${groupId}`, async () => {
        if (!this.inGroup) throw new Error(this.lastCrash ?? 'not in the consumer group yet');
      });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await run();
      logger.info({ groupId, topics }, 'consuming');
      callback();
    } catch (e) {
      callback(e);
    }
  }

  /** After a crash kafkajs will not restart from: connects and runs again, from the last commit, until it joins or the server closes. */
  private startAgain(consumer: Consumer, run: () => Promise<void>, delayMs = CRASH_RESTART_DELAY_MS): void {
    setTimeout(async () => {
      if (this.closing) return;
      this.options.logger.warn({ groupId: this.options.groupId, delayMs }, 'starting the crashed consumer again');
      try {
        await consumer.connect();
        await run();
      } catch (e) {
        this.options.logger.error({ err: e }, 'the crashed consumer did not start again: trying later');
        this.startAgain(consumer, run, Math.min(delayMs * 2, CRASH_RESTART_MAX_DELAY_MS));
      }
    }, delayMs).unref();
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.closing) return;
    this.closing = true;
    this.options.logger.info('stopping the consumer: finishing the message in flight and committing');
    // kafkajs drops manual commits silently once its stop() has begun, so the message in flight
    // must finish and commit BEFORE disconnect(). Messages delivered after this point are left
    // uncommitted and are delivered again to whoever takes the partition.
    await Promise.all([...this.inFlight].map((p) => p.catch(() => undefined)));
    await consumer.disconnect();
    this.inGroup = false;
    this.options.logger.info('consumer stopped');
  }

  on(): never {
    throw new Error('KafkaConsumerServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private track(payload: EachBatchPayload): Promise<void> {
    if (this.closing) return Promise.resolve();
    const handling = this.handleBatch(payload);
    this.inFlight.add(handling);
    void handling.finally(() => this.inFlight.delete(handling)).catch(() => undefined);
    return handling;
  }

  /**
   * One fetched batch of one partition, in order: each message a run of its own, or, for a batch
   * handler, runs of consecutive valid messages. Stops between commits when the consumer is closing
   * or the partition was taken away.
   */
  private async handleBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const consumer = this.consumer;
    if (!consumer) throw new Error('consumer is not running');
    // Commits the handled offset (`offset + 1`: the next message to read), then moves kafkajs's fetch
    // position past it (it does not move on by itself: eachBatchAutoResolve is off).
    const settle: Settle = async (offset) => {
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
      resolveOffset(offset);
    };
    const handler = this.getHandlerByPattern(topic);
    const stop = () => this.closing || !isRunning() || isStale();
    const fetched = batch.messages.map(
      (message): FetchedMessage<Run[number], { message: KafkaMessage; error: MessageDecodeError }> => {
        const decoded = handler
          ? this.decode(topic, partition, message)
          : new MessageDecodeError('UNKNOWN_EVENT_TYPE', `no handler for topic ${topic}`);
        return decoded instanceof MessageDecodeError
          ? { ok: false, message: { message, error: decoded } }
          : { ok: true, message: { decoded, offset: message.offset, value: message.value } };
      },
    );
    // Between steps only: a run is handled and committed whole, or left for the next owner of the partition.
    for (const step of planBatch(fetched, handler?.extras?.['batch'] === true)) {
      if (stop()) return;
      if (step.kind === 'run' && handler)
        await this.handleRun(topic, partition, handler, step.messages, heartbeat, settle);
      else if (step.kind === 'dead-letter')
        await this.deadLetterAndCommit(
          { topic, partition, offset: step.message.message.offset },
          step.message.message,
          step.message.error,
          settle,
        );
      await heartbeat();
    }
  }

  private decode(topic: string, partition: number, message: KafkaMessage): Decoded | MessageDecodeError {
    try {
      const event = decodeEvent(message.value, topic) as { eventId: string };
      const meta = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        headers: decodeHeaders(message.headers),
        eventId: event.eventId,
      };
      return { event, meta };
    } catch (e) {
      if (e instanceof MessageDecodeError) return e;
      throw e;
    }
  }

  /**
   * A run: one call of a batch handler with all its messages, or of a message handler with its
   * one; retried as a whole, then one commit after its last message.
   */
  private async handleRun(
    topic: string,
    partition: number,
    handler: MessageHandler,
    run: Run,
    heartbeat: () => Promise<void>,
    settle: Settle,
  ): Promise<void> {
    const { metrics, logger } = this.options;
    const stopTimer = metrics.messageHandlingSeconds.startTimer({ topic });
    const first = run[0].offset;
    const last = run[run.length - 1].offset;
    const where = { topic, partition, offset: first === last ? first : `${first}..${last}` };
    const batch = handler.extras?.['batch'] === true;
    let outcomes: HandlerOutcome[];
    // kafkajs heartbeats only between batches: a handler that runs longer than the session would
    // otherwise cost us the partition (and redeliver the run) though the process is alive.
    const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.heartbeatIntervalMs);
    try {
      outcomes = await this.runWithRetries(
        async () => {
          const call = batch
            ? handler(
                run.map((r) => r.decoded.event),
                new KafkaBatchContext(run.map((r) => r.decoded.meta)),
              )
            : handler(run[0].decoded.event, new KafkaMessageContext(run[0].decoded.meta));
          const answer = await lastValueFrom(this.transformToObservable(await call), { defaultValue: undefined });
          if (answer === undefined) return run.map(() => 'applied' as const);
          return batch ? (answer as HandlerOutcome[]) : [answer as HandlerOutcome];
        },
        where,
        heartbeat,
      );
    } catch (e) {
      if (isDependencyFailure(e)) {
        metrics.messagesConsumed.inc({ topic, outcome: 'failed' }, run.length);
        throw e; // kafkajs restarts the consumer from the last committed offset: nothing is lost, it waits.
      }
      // The messages' own fault. In a run of several, each goes again on its own, so only the poison one stops.
      if (run.length > 1) {
        for (const one of run) await this.handleRun(topic, partition, handler, [one], heartbeat, settle);
        return;
      }
      await this.deadLetterPoison(where, run[0], e, settle);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    await settle(last);
    for (const outcome of outcomes) metrics.messagesConsumed.inc({ topic, outcome });
    stopTimer();
    logger.debug({ ...where, outcomes }, 'messages handled');
  }

  private async deadLetterAndCommit(
    where: Where,
    message: KafkaMessage,
    e: MessageDecodeError,
    settle: Settle,
  ): Promise<void> {
    this.options.logger.warn(
      { ...where, code: e.code, reason: e.details },
      'message failed validation: dead-lettering it',
    );
    await this.deadLetter(where, message.key?.toString() ?? null, decodeHeaders(message.headers), message.value, e);
    await settle(where.offset);
    this.options.metrics.messagesConsumed.inc({ topic: where.topic, outcome: 'dead-lettered' });
  }

  /**
   * A valid message its handler fails on every time: on the dead-letter topic with the error (so
   * the partition moves on for every other connection on it), committed, and told to its connection's
   * status (the key names the connection and the task), so the person sees which task.
   */
  private async deadLetterPoison(where: Where, message: Run[number], error: unknown, settle: Settle): Promise<void> {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    const key = message.decoded.meta.key;
    this.options.logger.error(
      { ...where, key, err: error },
      'handler failed on every attempt, not for a dependency: dead-lettering the message',
    );
    await this.deadLetter(where, key, message.decoded.meta.headers, message.value, {
      code: 'HANDLER_FAILED',
      details: reason,
    });
    const [connectionId, taskId] = (key ?? '').split(':');
    if (connectionId) await this.reportPoison(connectionId, taskId, where, reason);
    await settle(where.offset);
    this.options.metrics.messagesConsumed.inc({ topic: where.topic, outcome: 'dead-lettered' });
  }

  private async reportPoison(
    connectionId: string,
    taskId: string | undefined,
    where: Where,
    reason: string,
  ): Promise<void> {
    const what = taskId ? `task ${taskId}` : 'a message';
    const message = `${what}: ${where.topic} offset ${where.offset} could not be handled (${reason}); it is on the dead-letter topic`;
    await this.options.publisher.publish([
      buildStatusMessage(connectionId, this.options.consumerName, {
        state: 'error',
        error: { code: 'MESSAGE_DEAD_LETTERED', message },
      }),
    ]);
  }

  private async runWithRetries<T>(run: () => Promise<T>, where: Where, heartbeat: () => Promise<void>): Promise<T> {
    const { maxAttempts, logger } = this.options;
    const wait = async (ms: number) => {
      await sleep(ms);
      await heartbeat(); // a long retry must not cost us the partition
    };
    try {
      return await retry(run, {
        attempts: maxAttempts,
        baseDelayMs: 200,
        maxDelayMs: 5_000,
        onRetry: (e, attempt, delay) => logger.warn({ ...where, attempt, delay, err: e }, 'handler failed: retrying'),
        wait,
      });
    } catch (e) {
      if (isDependencyFailure(e))
        logger.error(
          { ...where, attempt: maxAttempts, err: e },
          'handler failed on every attempt, a dependency down: restarting from the last commit',
        );
      throw e;
    }
  }

  private async deadLetter(
    where: Where,
    key: string | null,
    headers: Record<string, string>,
    value: Buffer | null,
    error: { code: MessageDecodeError['code'] | 'HANDLER_FAILED'; details: string },
  ): Promise<void> {
    const eventId = randomUUID();
    const letter = {
      eventId,
      type: DEAD_LETTER,
      occurredAt: new Date().toISOString(),
      consumer: this.options.consumerName,
      sourceTopic: where.topic,
      sourcePartition: where.partition,
      sourceOffset: where.offset,
      reasonCode: error.code,
      reason: error.details,
      originalKey: key,
      originalHeaders: headers,
      originalValue: value?.toString() ?? null,
    } as const;
    await this.options.publisher.publish([
      {
        topic: KAFKA_TOPICS.deadLetter,
        key: key ?? `${where.topic}:${where.partition}:${where.offset}`,
        value: encodeEvent(DEAD_LETTER, letter),
        eventId,
        eventType: DEAD_LETTER,
      },
    ]);
  }
}
