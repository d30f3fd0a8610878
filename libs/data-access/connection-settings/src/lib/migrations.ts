import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConnectionSetting1764000000100 implements MigrationInterface {
  name = 'CreateConnectionSetting1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connection_setting (
        connection_id text PRIMARY KEY,
        tenant_id text NOT NULL,
        user_id text NOT NULL,
        enabled boolean NOT NULL,
        time_zone text NOT NULL,
        first_enabled_at timestamptz,
        changed_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE connection_setting_change (
        event_id uuid PRIMARY KEY,
        connection_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('first-enable', 're-enable', 'disable')),
        changed_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX connection_setting_change_by_connection ON connection_setting_change (connection_id, changed_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connection_setting_change`);
    await q.query(`DROP TABLE connection_setting`);
  }
}

/** Each connection's Salesforce org and user, for routing an org's changes to the task owner's connections. */
export class AddSalesforceIdentityToConnectionSetting1764000000101 implements MigrationInterface {
  name = 'AddSalesforceIdentityToConnectionSetting1764000000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection_setting ADD COLUMN sfdc_org_id text, ADD COLUMN sfdc_user_id text`);
    await q.query(`CREATE INDEX connection_setting_by_sfdc_owner ON connection_setting (sfdc_org_id, sfdc_user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX connection_setting_by_sfdc_owner`);
    await q.query(`ALTER TABLE connection_setting DROP COLUMN sfdc_org_id, DROP COLUMN sfdc_user_id`);
  }
}
