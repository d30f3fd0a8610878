import { MigrationInterface, QueryRunner } from 'typeorm';

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
