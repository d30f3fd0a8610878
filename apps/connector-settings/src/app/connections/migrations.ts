import { randomUUID } from 'node:crypto';
import { type EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { enqueueOutbox, type OutboxEntry } from '@task-sync/data-access-messaging';
import { buildSettingChangedEntry, type SettingOwner } from './setting-changed.outbox';
import { stampSettingChange } from './settings-clock';
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

const OUTBOX_SLICE = 1_000;

/** Enqueues in slices, to stay under PostgreSQL's 65,535 parameters a statement. */
async function enqueueInSlices(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += OUTBOX_SLICE)
    await enqueueOutbox(manager, entries.slice(i, i + OUTBOX_SLICE));
}

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
    await enqueueInSlices(q.manager, rows.map(toRepublishedEntry));
  }

  async down(): Promise<void> {
    // Nothing to undo: consumers already have (or will have) the events, and they change nothing twice.
  }
}

interface ConnectionIdentityRow {
  id: string;
  tenant_id: string;
  user_id: string;
  time_zone: string;
  sfdc_org_id: string;
  sfdc_user_id: string;
}

interface LatestChangeRow extends ConnectionIdentityRow {
  kind: SettingChangeKind;
  changed_at: Date;
}

function toRepublishedEntry(row: LatestChangeRow): OutboxEntry {
  return buildSettingChangedEntry(toSettingOwner(row), row.kind, randomUUID(), row.changed_at);
}

/**
 * One connection per user and tenant (issue 22: the page shows one, so a second one was invisible).
 * A user who has several keeps one: the one with sync on, else one ever enabled (its links and
 * history are the ones the reconciler knows), else the oldest. The others go as Disconnect takes
 * them: a disable announced through the outbox when sync was on, their history with them. Their
 * refresh tokens are dropped, not revoked (a migration makes no Salesforce calls); Salesforce
 * expires unused refresh tokens by the connected app's policy.
 */
export class OneConnectionPerUser1764000000222 implements MigrationInterface {
  name = 'OneConnectionPerUser1764000000222';

  async up(q: QueryRunner): Promise<void> {
    const dropped: DroppedConnectionRow[] = await q.query(`
      SELECT id, tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, task_sync_enabled FROM (
        SELECT c.*, row_number() OVER (
          PARTITION BY tenant_id, user_id
          ORDER BY task_sync_enabled DESC, (first_enabled_at IS NOT NULL) DESC, created_at, id) AS rank
        FROM connection c) ranked
      WHERE rank > 1`);
    const announced = dropped.filter((row) => row.task_sync_enabled);
    if (announced.length > 0) {
      const at = await stampSettingChange(q.manager);
      await enqueueInSlices(
        q.manager,
        announced.map((row) => buildSettingChangedEntry(toSettingOwner(row), 'disable', randomUUID(), at)),
      );
    }
    if (dropped.length > 0)
      await q.query(`DELETE FROM connection WHERE id = ANY($1::uuid[])`, [dropped.map((row) => row.id)]);
    await q.query(`ALTER TABLE connection ADD CONSTRAINT connection_one_per_user UNIQUE (tenant_id, user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection DROP CONSTRAINT connection_one_per_user`);
  }
}

interface DroppedConnectionRow extends ConnectionIdentityRow {
  task_sync_enabled: boolean;
}

function toSettingOwner(row: ConnectionIdentityRow): SettingOwner {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    timeZone: row.time_zone,
    sfdcOrgId: row.sfdc_org_id,
    sfdcUserId: row.sfdc_user_id,
  };
}

/**
 * Where each connection signs in (issue 22: environments): production (login.salesforce.com), a
 * sandbox org (test.salesforce.com) or the org's My Domain host; its token exchange, refreshes and
 * revoke go there. Connections made before were production's: one login URL served the deployment.
 */
export class AddConnectionLogin1764000000227 implements MigrationInterface {
  name = 'AddConnectionLogin1764000000227';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['connection', 'connect_attempt']) {
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN login_environment text NOT NULL DEFAULT 'production' CHECK (login_environment IN ('production', 'sandbox', 'my-domain'))`,
      );
      await q.query(`ALTER TABLE ${table} ADD COLUMN login_my_domain_host text`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_my_domain_host_iff_my_domain CHECK ((login_environment = 'my-domain') = (login_my_domain_host IS NOT NULL))`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['connection', 'connect_attempt']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN login_my_domain_host, DROP COLUMN login_environment`);
    }
  }
}
