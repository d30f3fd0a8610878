import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppName, createDatabase, ServiceProcess, withPg } from '@task-sync/testing-stack';
import { testEnv, uniqueId } from './support/stack';

const ROOT = path.resolve(__dirname, '../../..');

const OWNED_TABLES: Record<AppName, { schema: string; tables: string[] }> = {
  'connector-settings': {
    schema: 'connector_settings',
    tables: [
      'connect_attempt',
      'connection',
      'connection_error',
      'connection_preflight',
      'connection_status',
      'failed_task',
      'org_api_allocation',
      'org_api_call_bucket',
      'org_reader',
      'outbox_message',
      'processed_message',
      'task_sync_change',
      'typeorm_migrations',
    ],
  },
  'sfdc-ingest': {
    schema: 'sfdc_ingest',
    tables: [
      'connection_setting',
      'connection_setting_change',
      'processed_message',
      'sfdc_org_poll',
      'sfdc_org_stream',
      'sfdc_published_change',
      'sfdc_sync_state',
      'sfdc_task_route',
      'typeorm_migrations',
    ],
  },
  'salesconnect-ingest': {
    schema: 'salesconnect_ingest',
    tables: [
      'connection_setting',
      'connection_setting_change',
      'feed_cursor',
      'processed_message',
      'published_change',
      'reported_connection_error',
      'task_change_order',
      'typeorm_migrations',
    ],
  },
  reconciler: {
    schema: 'reconciler',
    tables: [
      'connection_setting',
      'connection_setting_change',
      'deletion_awaiting_create',
      'drift_repair_run',
      'failed_write',
      'parked_change',
      'processed_message',
      'sync_conflict',
      'task_activity',
      'task_link',
      'task_write',
      'typeorm_migrations',
    ],
  },
};

describe('migrations on a fresh database', () => {
  it.each(Object.entries(OWNED_TABLES) as [AppName, { schema: string; tables: string[] }][])(
    '%s creates its own schema at start, and a second start finds it up to date',
    async (name, { schema, tables }) => {
      const databaseUrl = await createDatabase(testEnv.newDatabaseName(`mig_${schema}`));
      const env = { DATABASE_URL: databaseUrl, KAFKA_CONSUMER_GROUP: uniqueId(name) };

      const first = await ServiceProcess.start(name, env);
      await first.stop();
      expect(first.logs.find((l) => l.msg === 'migrations applied')).toMatchObject({ schema });

      const found = await withPg(databaseUrl, (c) =>
        c.query(
          `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 2`,
        ),
      );
      expect(found.rows).toEqual(tables.sort().map((table_name) => ({ table_schema: schema, table_name })));

      const second = await ServiceProcess.start(name, env);
      await second.stop();
      expect(second.logs.find((l) => l.msg === 'schema up to date')).toMatchObject({ schema, migrationsRun: [] });
    },
  );
});

describe('migrations as a Job: main.js --migrate-only', () => {
  /** The built service run to completion, as a Kubernetes migration Job or init container runs it. */
  function migrateOnly(name: AppName, databaseUrl: string): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', name, 'main.js'), '--migrate-only'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
          DATABASE_URL: databaseUrl,
          KAFKA_CONSUMER_GROUP: uniqueId(name),
          HTTP_PORT: '1',
        },
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.once('exit', (code) => resolve({ code, output }));
    });
  }

  it('applies the migrations and exits 0 without serving; two run at once take turns (advisory lock), neither fails', async () => {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('mig_job'));
    const [a, b] = await Promise.all([migrateOnly('reconciler', databaseUrl), migrateOnly('reconciler', databaseUrl)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const said = [a.output, b.output].map((o) =>
      o.includes('"migrations applied"') ? 'applied' : o.includes('"schema up to date"') ? 'up to date' : o.slice(-500),
    );
    expect(said.sort()).toEqual(['applied', 'up to date']);
    for (const o of [a.output, b.output]) expect(o).toContain('migrations done (--migrate-only): exiting');
    const found = await withPg(databaseUrl, (c) =>
      c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'reconciler' ORDER BY 1`),
    );
    expect(found.rows.map((r: { table_name: string }) => r.table_name)).toEqual(
      [...OWNED_TABLES.reconciler.tables].sort(),
    );
  });
});
