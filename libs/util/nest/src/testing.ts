// Test fixtures for specs that need a real PostgreSQL: import from '@task-sync/util-nest/testing'.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { DatabaseOptions, buildDataSourceOptions, initializeDataSource } from './lib/database/create-data-source';

// eslint-disable-next-line no-restricted-properties -- the test's PostgreSQL, like the integration harness's
const ADMIN_URL = process.env['TEST_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dataSource: DataSource;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with the given schema migrated, the way a service starts; drop() removes it. */
export async function createTestDatabase(options: Omit<DatabaseOptions, 'url'>): Promise<TestDatabase> {
  const name = `tasksync_spec_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataSource = await initializeDataSource(
    buildDataSourceOptions({ ...options, url: url.toString() }),
    pino({ level: 'silent' }),
  );
  return {
    dataSource,
    url: url.toString(),
    async drop() {
      await dataSource.destroy();
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
