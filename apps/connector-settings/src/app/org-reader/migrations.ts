import { MigrationInterface, QueryRunner } from 'typeorm';

/** One integration user per org, because Change Data Capture for Task needs View All Data. */
export class CreateOrgReader1764000000206 implements MigrationInterface {
  name = 'CreateOrgReader1764000000206';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE org_reader (
        sfdc_org_id text PRIMARY KEY,
        tenant_id text NOT NULL,
        connected_by_user_id text NOT NULL,
        sfdc_user_id text NOT NULL,
        sfdc_username text NOT NULL,
        instance_url text NOT NULL,
        refresh_token_sealed text,
        access_token_sealed text,
        preflight jsonb,
        preflight_at timestamptz,
        revoked_at timestamptz,
        connected_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX org_reader_by_tenant ON org_reader (tenant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE org_reader`);
  }
}

/** How the org's change stream stands, as sfdc-ingest last reported it (org-stream-status-changed). */
export class AddOrgReaderStreamState1764000000209 implements MigrationInterface {
  name = 'AddOrgReaderStreamState1764000000209';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE org_reader ADD COLUMN stream jsonb, ADD COLUMN stream_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE org_reader DROP COLUMN stream, DROP COLUMN stream_at`);
  }
}
