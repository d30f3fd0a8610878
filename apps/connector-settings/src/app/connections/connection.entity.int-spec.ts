import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import { CONNECTOR_SETTINGS_MIGRATIONS } from '../connector-settings.migrations';
import { ConnectionEntity } from './connection.entity';
import { recordTaskSyncChange } from './task-sync-change';

/** TypeORM's names for the column types the entity uses, as PostgreSQL names them (udt_name). */
const PG_TYPE: Record<string, string> = { boolean: 'bool' };

describe('the connection table as the service migrates it (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({
      schema: 'connector_settings',
      entities: [ConnectionEntity],
      migrations: CONNECTOR_SETTINGS_MIGRATIONS,
    });
  });
  afterAll(() => db.drop());

  it('ConnectionEntity has every column the migrations create, with its type and nullability, and no other', async () => {
    const table: { column_name: string; udt_name: string; is_nullable: 'YES' | 'NO' }[] = await db.dataSource.query(
      `SELECT column_name, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'connector_settings' AND table_name = 'connection' ORDER BY column_name`,
    );
    const entity = db.dataSource
      .getMetadata(ConnectionEntity)
      .columns.map((c) => ({
        column_name: c.databaseName,
        udt_name: PG_TYPE[String(c.type)] ?? String(c.type),
        is_nullable: c.isNullable ? 'YES' : 'NO',
      }))
      .sort((a, b) => a.column_name.localeCompare(b.column_name));

    expect(entity).toEqual(table);
  });

  it("ConnectionEntity names the migrations' index, unique and check constraints on the table", async () => {
    const metadata = db.dataSource.getMetadata(ConnectionEntity);
    const constraints: { name: string }[] = await db.dataSource.query(
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'connector_settings.connection'::regclass AND contype IN ('u', 'c')
       UNION SELECT indexname FROM pg_indexes WHERE schemaname = 'connector_settings' AND tablename = 'connection'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'connector_settings.connection'::regclass)`,
    );
    expect([...metadata.indices, ...metadata.uniques, ...metadata.checks].map((c) => c.name).sort()).toEqual(
      constraints.map((c) => c.name).sort(),
    );
  });

  it('recordTaskSyncChange writes a change of the setting to task_sync_change, under its event id', async () => {
    const [{ id }]: { id: string }[] = await db.dataSource.query(
      `INSERT INTO connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url)
       VALUES ('acme', 'u1', 'UTC', '00D000000000001AAA', '005000000000001AAA', 'u1@acme.test', 'https://acme.my.salesforce.com')
       RETURNING id`,
    );
    const change = {
      eventId: randomUUID(),
      connectionId: id,
      kind: 'first-enable' as const,
      changedAt: new Date('2026-12-01T10:00:00.123Z'),
    };

    await db.dataSource.transaction((m) => recordTaskSyncChange(m, change));

    expect(
      await db.dataSource.query(
        `SELECT event_id AS "eventId", connection_id AS "connectionId", kind, changed_at AS "changedAt" FROM task_sync_change`,
      ),
    ).toEqual([change]);
  });
});
