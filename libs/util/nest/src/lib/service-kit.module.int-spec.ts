import { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { loadConfig, serviceConfigShape } from '@task-sync/util-config';
import { createTestDatabase, type TestDatabase } from '../testing';
import { JsonLogger } from './observability/json-logger';
import { FIRST_STATISTICS_EVERY_MS, ServiceKitModule } from './service-kit.module';

class CreateKitLinks1700000000001 implements MigrationInterface {
  name = 'CreateKitLinks1700000000001';
  async up(q: QueryRunner): Promise<void> {
    // Autovacuum off: only the service's own watch can give it statistics here.
    await q.query(
      `CREATE TABLE kit_links (id bigserial PRIMARY KEY, connection_id text NOT NULL, task_id text NOT NULL) WITH (autovacuum_enabled = false)`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kit_links`);
  }
}

describe('ServiceKitModule: the tables a service lists in database.firstStatistics', () => {
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    // Only for its URL: the module makes its own connections, schema and migrations in that database.
    db = await createTestDatabase({ schema: 'kit_spec_unused', migrations: [] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('are analyzed by the running service once they fill, and the log says which and at how many rows', async () => {
    const config = loadConfig(z.object(serviceConfigShape({ serviceName: 'kit-spec', httpPort: 1 })), {
      DATABASE_URL: db.url,
      // eslint-disable-next-line no-restricted-properties -- the broker the integration run started
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
    });
    const logger = new JsonLogger(
      'kit-spec',
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(...chunk.toString().trim().split('\n'));
          done();
        },
      }),
    );
    @Module({
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: { schema: 'kit', migrations: [CreateKitLinks1700000000001], firstStatistics: ['kit_links'] },
        }),
      ],
    })
    class KitSpecModule {}
    app = await NestFactory.createApplicationContext(KitSpecModule, { logger: false });
    await app.init();
    const dataSource = app.get(DataSource);

    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(
        `INSERT INTO kit_links (connection_id, task_id) SELECT 'c1', 't' || i FROM generate_series(1, 1500) AS i`,
      );
      await runner.query(`SELECT pg_stat_force_next_flush()`);
      await runner.query(`SELECT 1`);
    } finally {
      await runner.release();
    }

    const hasStatistics = async () =>
      (await dataSource.query(`SELECT 1 FROM pg_stats WHERE schemaname = 'kit' AND tablename = 'kit_links'`)).length >
      0;
    const deadline = Date.now() + 5 * FIRST_STATISTICS_EVERY_MS;
    while (!(await hasStatistics()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    expect(await hasStatistics()).toBe(true);
    const analyzed = lines.map((l) => JSON.parse(l)).filter((l) => l.context === 'first-statistics');
    expect(analyzed).toEqual([
      expect.objectContaining({
        table: 'kit_links',
        liveRows: 1500,
        msg: 'table analyzed: it filled before it had any statistics',
      }),
    ]);
  });
});
