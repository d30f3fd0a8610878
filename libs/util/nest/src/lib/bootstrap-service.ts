import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { loadConfig, type ConsumerConfig, type Env, type ServiceConfig } from '@task-sync/util-config';
import { applySecurityHeaders } from './http/security-headers';
import { KafkaConsumerServer } from './kafka/kafka-consumer.server';
import { KafkaPublisher } from './kafka/kafka-publisher';
import { HealthRegistry } from './observability/health.registry';
import { JsonLogger } from './observability/json-logger';
import { MetricsService } from './observability/metrics.service';

export interface BootstrapOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  module: any;
  config: ServiceConfig & Partial<ConsumerConfig>;
  logger: JsonLogger;
  /** Consumers: the group joins after the HTTP port is up, so probes answer during start. */
  consume?: boolean;
  /** See KafkaConsumerServerOptions; default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Apply the database migrations and exit 0, without serving or consuming (`main.js --migrate-only`,
   * for a migration Job or an init container).
   */
  migrateOnly?: boolean;
  /** App-specific HTTP set-up (body limits and the like), before the app starts listening. */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * Starts a service and owns its shutdown. On SIGTERM or SIGINT: readiness turns 503, the consumer
 * finishes the message in flight and commits it, the producer and database close; past
 * SHUTDOWN_TIMEOUT_MS the process exits non-zero rather than hang.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<void> {
  const { config, logger } = options;
  const log = logger.child('bootstrap');
  // Creating the module connects PostgreSQL and runs the migrations; nothing starts before init.
  const app = await NestFactory.create<NestExpressApplication>(options.module, { logger, abortOnError: false });
  if (options.migrateOnly) {
    await app.get(DataSource).destroy();
    log.info('migrations done (--migrate-only): exiting');
    logger.pino.flush();
    process.exit(0);
  }
  applySecurityHeaders(app);
  options.configure?.(app);

  if (options.consume) {
    if (!config.KAFKA_CONSUMER_GROUP) throw new Error('a consuming service needs KAFKA_CONSUMER_GROUP');
    app.connectMicroservice(
      {
        strategy: new KafkaConsumerServer({
          kafka: app.get(Kafka),
          groupId: config.KAFKA_CONSUMER_GROUP,
          consumerName: config.SERVICE_NAME,
          maxAttempts: config.KAFKA_HANDLER_MAX_ATTEMPTS ?? 5,
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          publisher: app.get(KafkaPublisher),
          metrics: app.get(MetricsService),
          health: app.get(HealthRegistry),
          logger: logger.child('kafka-consumer'),
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        }),
      },
      { inheritAppConfig: true },
    );
  }

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.get(HealthRegistry).markShuttingDown();
    const deadline = setTimeout(() => {
      log.fatal({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    try {
      await app.close();
      log.info('stopped cleanly');
      logger.pino.flush();
      process.exit(0);
    } catch (e) {
      log.fatal({ err: e }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  if (options.consume) await app.startAllMicroservices();
  log.info({ url: `http://${config.HTTP_HOST}:${config.HTTP_PORT}` }, `${config.SERVICE_NAME} started`);
}

/** For main.ts: any start-up failure (bad config, database down) is logged as one JSON line and exits 1. */
export function runService(start: () => Promise<void>, logger: Pick<JsonLogger, 'pino'>): void {
  start().catch((e: unknown) => {
    logger.pino.fatal({ err: e }, 'failed to start');
    logger.pino.flush();
    process.exit(1);
  });
}

/** What one service's main.ts names: the rest of its start is the same in every service (startService). */
export interface ServiceMain<C extends ServiceConfig & Partial<ConsumerConfig>> {
  /** The logger's name, before the config is read. */
  name: string;
  configSchema: z.ZodType<C>;
  /** `process.env`: main.ts is the one place an app reads its environment. */
  env: Env;
  /** The app's root module for this config (`AppModule.forRoot`). */
  module: (config: C, logger: JsonLogger) => unknown;
  /** What the service adds to bootstrapService's options (HTTP set-up, consumer concurrency). */
  options?: (config: C) => Pick<BootstrapOptions, 'configure' | 'partitionsConsumedConcurrently'>;
}

/**
 * A consuming service's main.ts: reads its config once (`--migrate-only` migrates and exits), sets
 * the log level from it, and bootstraps; any failure on the way exits 1 (runService).
 */
export function startService<C extends ServiceConfig & Partial<ConsumerConfig>>(main: ServiceMain<C>): void {
  const logger = new JsonLogger(main.name, 'info');
  runService(async () => {
    const migrateOnly = process.argv.includes('--migrate-only');
    // The migration init container is given DATABASE_URL and no other secret: nothing to refuse there.
    const config = loadConfig(main.configSchema, main.env, { readsSecrets: !migrateOnly });
    logger.pino.level = config.LOG_LEVEL;
    await bootstrapService({
      module: main.module(config, logger),
      config,
      logger,
      consume: true,
      migrateOnly,
      ...main.options?.(config),
    });
  }, logger);
}
