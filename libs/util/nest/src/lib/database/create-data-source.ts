import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import type { Logger } from 'pino';
import { PreparingClient } from './preparing-client';

export interface DatabaseOptions {
  url: string;
  /** The PostgreSQL schema this service owns; created if missing. */
  schema: string;
  /** TypeORM entities, where a service still reads through them; tables read by typed SQL need none. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  /** Listed explicitly: webpack bundles drop glob patterns. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /** Tables analyzed the first time they hold rows, if nothing analyzed them yet (FirstStatistics). */
  firstStatistics?: readonly string[];
}

export function buildDataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsRun: false, // run below, after the schema exists
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    extra: {
      // Unqualified names in migrations and raw queries resolve to the service's own schema. A prepared
      // statement is planned for its own parameters every run (see PreparingClient): a generic plan
      // chosen while a table was empty kept scanning it whole as an import filled it.
      options: `-c search_path=${options.schema} -c plan_cache_mode=force_custom_plan`,
      max: 10,
      connectionTimeoutMillis: 5_000,
      // pg's Pool makes its connections with this class: parameterized queries go as prepared statements.
      Client: PreparingClient,
    },
  };
}

/**
 * Connects, creates the service's schema if needed and runs its pending migrations, each in a
 * transaction. A PostgreSQL advisory lock per schema makes replicas (or a migration Job and a pod)
 * that start together take turns: the second finds the schema up to date.
 */
export async function initializeDataSource(options: DataSourceOptions, logger: Logger): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const schema = (options as { schema: string }).schema;
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`task-sync:migrations:${schema}`]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    logger.info(
      { schema, migrationsRun: ran.map((m) => m.name) },
      ran.length ? 'migrations applied' : 'schema up to date',
    );
  } finally {
    await lock
      .query(`SELECT pg_advisory_unlock(hashtext($1))`, [`task-sync:migrations:${schema}`])
      .catch(() => undefined);
    await lock.release();
  }
  return dataSource;
}
