import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { ServiceConfig } from '@task-sync/util-config';
import { BackgroundLoop } from './background-loop';
import { DatabaseOptions, buildDataSourceOptions, initializeDataSource } from './database/create-data-source';
import { FirstStatistics } from './database/first-statistics';
import { createKafka } from './kafka/create-kafka';
import { KafkaPublisher } from './kafka/kafka-publisher';
import { HealthRegistry } from './observability/health.registry';
import { JsonLogger } from './observability/json-logger';
import { MetricsService } from './observability/metrics.service';
import { OpsController } from './observability/ops.controller';

/** The app's validated config object. Inject with `@Inject(APP_CONFIG)`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** How often the tables listed in `database.firstStatistics` are looked at until each has statistics. */
export const FIRST_STATISTICS_EVERY_MS = 2_000;

const FIRST_STATISTICS_TABLES = Symbol('FIRST_STATISTICS_TABLES');

export interface ServiceKitOptions {
  config: ServiceConfig;
  logger: JsonLogger;
  database: Omit<DatabaseOptions, 'url'>;
}

/**
 * Connects the producer at start and registers the readiness checks; closes the producer last.
 * Analyzes the listed tables the first time they fill (FirstStatistics).
 */
class ServiceKitLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly firstStatistics?: BackgroundLoop;

  constructor(
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JsonLogger) logger: JsonLogger,
    @Inject(FIRST_STATISTICS_TABLES) tables: readonly string[],
  ) {
    if (tables.length === 0) return;
    const watch = new FirstStatistics(dataSource, tables);
    const log = logger.child('first-statistics');
    this.firstStatistics = new BackgroundLoop(
      'first statistics',
      { error: (message: string) => log.error({}, message) },
      async () => {
        const { analyzed } = await watch.round();
        for (const { table, liveRows } of analyzed)
          log.info({ table, liveRows }, 'table analyzed: it filled before it had any statistics');
        return false;
      },
      FIRST_STATISTICS_EVERY_MS,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
    });
    this.health.register('kafka', () => this.publisher.check());
    await this.publisher.connect();
    this.firstStatistics?.start();
  }

  // After consumers drained (Nest closes them in dispose(), before this hook).
  async onApplicationShutdown(): Promise<void> {
    await this.firstStatistics?.stop();
    await this.publisher.disconnect();
  }
}

/**
 * What every service shares: config, JSON logs, PostgreSQL with its migrations, the Kafka client and
 * an idempotent producer, `/health/live`, `/health/ready` and `/metrics`.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const { config, logger } = options;
    const dataSourceOptions = buildDataSourceOptions({ url: config.DATABASE_URL, ...options.database });
    const metrics = new MetricsService(config.SERVICE_NAME);
    const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logger: logger.pino });
    return {
      module: ServiceKitModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions,
          dataSourceFactory: async (opts) => initializeDataSource(opts ?? dataSourceOptions, logger.child('database')),
        }),
      ],
      controllers: [OpsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        { provide: MetricsService, useValue: metrics },
        { provide: HealthRegistry, useValue: new HealthRegistry(config.READINESS_TIMEOUT_MS) },
        { provide: Kafka, useValue: kafka },
        { provide: KafkaPublisher, useValue: new KafkaPublisher(kafka, config.SERVICE_NAME, metrics) },
        { provide: FIRST_STATISTICS_TABLES, useValue: options.database.firstStatistics ?? [] },
        ServiceKitLifecycle,
      ],
      exports: [APP_CONFIG, JsonLogger, MetricsService, HealthRegistry, Kafka, KafkaPublisher, TypeOrmModule],
    };
  }
}
