import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { enqueueOutbox, type OutboxEntry } from '@task-sync/data-access-messaging';
import { buildSettingChangedEntry } from './setting-changed.outbox';
import type { SettingChangeKind } from './task-sync-setting';

export class CreateConnection1764000000200 implements MigrationInterface {
  name = 'CreateConnection1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connection (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        user_id text NOT NULL,
        time_zone text NOT NULL,
        sfdc_org_id text NOT NULL,
        sfdc_user_id text NOT NULL,
        sfdc_username text NOT NULL,
        instance_url text NOT NULL,
        task_sync_enabled boolean NOT NULL DEFAULT false,
        first_enabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, sfdc_org_id, sfdc_user_id)
      )`);
    await q.query(`CREATE INDEX connection_owner ON connection (tenant_id, user_id)`);
    await q.query(`
      CREATE TABLE task_sync_change (
        event_id uuid PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('first-enable', 're-enable', 'disable')),
        changed_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX task_sync_change_by_connection ON task_sync_change (connection_id, changed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_sync_change`);
    await q.query(`DROP TABLE connection`);
  }
}

export class AddSealedRefreshToken1764000000201 implements MigrationInterface {
  name = 'AddSealedRefreshToken1764000000201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection ADD COLUMN refresh_token_sealed text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection DROP COLUMN refresh_token_sealed`);
  }
}

export class AddSealedAccessToken1764000000203 implements MigrationInterface {
  name = 'AddSealedAccessToken1764000000203';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection ADD COLUMN access_token_sealed text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection DROP COLUMN access_token_sealed`);
  }
}

const REPUBLISH_BATCH = 1_000;

/**
 * Settings events carry the connection's Salesforce org and user since issue 20; consumers' projections
 * of connections set up before have neither, so an org's stream never reaches them. This publishes
 * every connection's latest change once more, through the outbox: consumers take the org and user
 * from it and keep it as the same change (no import, no disable). Once per database, as migrations run.
 */
export class RepublishLatestSettingChange1764000000207 implements MigrationInterface {
  name = 'RepublishLatestSettingChange1764000000207';

  async up(q: QueryRunner): Promise<void> {
    // A connection never enabled was never published: its first change will carry its identity.
    const rows: LatestChangeRow[] = await q.query(`
      SELECT DISTINCT ON (c.id) c.id, c.tenant_id, c.user_id, c.time_zone, c.sfdc_org_id, c.sfdc_user_id, h.kind, h.changed_at
      FROM connection c JOIN task_sync_change h ON h.connection_id = c.id
      ORDER BY c.id, h.changed_at DESC`);
    // In slices, to stay under PostgreSQL's 65,535 parameters a statement.
    for (let i = 0; i < rows.length; i += REPUBLISH_BATCH) {
      await enqueueOutbox(q.manager, rows.slice(i, i + REPUBLISH_BATCH).map(toRepublishedEntry));
    }
  }

  async down(): Promise<void> {
    // Nothing to undo: consumers already have (or will have) the events, and they change nothing twice.
  }
}

interface LatestChangeRow {
  id: string;
  tenant_id: string;
  user_id: string;
  time_zone: string;
  sfdc_org_id: string;
  sfdc_user_id: string;
  kind: SettingChangeKind;
  changed_at: Date;
}

/** The change again under a new event id: the same kind and instant, and now the Salesforce org and user. */
function toRepublishedEntry(row: LatestChangeRow): OutboxEntry {
  const owner = { id: row.id, tenantId: row.tenant_id, userId: row.user_id, timeZone: row.time_zone, sfdcOrgId: row.sfdc_org_id, sfdcUserId: row.sfdc_user_id };
  return buildSettingChangedEntry(owner, row.kind, randomUUID(), row.changed_at);
}
