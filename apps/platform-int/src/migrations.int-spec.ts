import { AppName, ServiceProcess } from './support/service-process';
import { createDatabase, testEnv, uniqueId, withPg } from './support/stack';

const OWNED_TABLES: Record<AppName, { schema: string; tables: string[] }> = {
  'connector-settings': { schema: 'connector_settings', tables: ['connection', 'connection_error', 'connection_status', 'outbox_message', 'processed_message', 'task_sync_change', 'typeorm_migrations'] },
  'sfdc-ingest': { schema: 'sfdc_ingest', tables: ['connection_setting', 'connection_setting_change', 'processed_message', 'sfdc_published_change', 'sfdc_sync_state', 'typeorm_migrations'] },
  'salesconnect-ingest': {
    schema: 'salesconnect_ingest',
    tables: ['connection_setting', 'connection_setting_change', 'feed_cursor', 'processed_message', 'published_change', 'reported_connection_error', 'typeorm_migrations'],
  },
  reconciler: { schema: 'reconciler', tables: ['connection_setting', 'connection_setting_change', 'parked_change', 'processed_message', 'sync_conflict', 'task_link', 'task_write', 'typeorm_migrations'] },
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
        c.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 2`),
      );
      expect(found.rows).toEqual(tables.sort().map((table_name) => ({ table_schema: schema, table_name })));

      const second = await ServiceProcess.start(name, env);
      await second.stop();
      expect(second.logs.find((l) => l.msg === 'schema up to date')).toMatchObject({ schema, migrationsRun: [] });
    },
  );
});
