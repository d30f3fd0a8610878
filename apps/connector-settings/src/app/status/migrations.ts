import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConnectionStatus1764000000202 implements MigrationInterface {
  name = 'CreateConnectionStatus1764000000202';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connection_status (
        connection_id uuid PRIMARY KEY,
        state text NOT NULL,
        import_progress jsonb,
        last_synced_at timestamptz,
        api_used int,
        api_limit int,
        reported_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE connection_error (
        connection_id uuid NOT NULL,
        code text NOT NULL,
        count int NOT NULL,
        last_message text NOT NULL,
        last_at timestamptz NOT NULL,
        PRIMARY KEY (connection_id, code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connection_error`);
    await q.query(`DROP TABLE connection_status`);
  }
}

export class CreateFailedTask1764000000221 implements MigrationInterface {
  name = 'CreateFailedTask1764000000221';

  async up(q: QueryRunner): Promise<void> {
    // Each task whose write to one side the reconciler could not make, as it last reported (failed-write-changed).
    await q.query(`
      CREATE TABLE failed_task (
        connection_id uuid NOT NULL,
        link_id text NOT NULL,
        side text NOT NULL,
        salesconnect_task_id text,
        sfdc_task_id text,
        kind text NOT NULL,
        code text NOT NULL,
        reason text NOT NULL,
        attempts int NOT NULL,
        first_failed_at timestamptz NOT NULL,
        next_retry_at timestamptz,
        reported_at timestamptz NOT NULL,
        PRIMARY KEY (connection_id, link_id, side)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE failed_task`);
  }
}

export class AddFailedTaskSubject1764000000240 implements MigrationInterface {
  name = 'AddFailedTaskSubject1764000000240';

  async up(q: QueryRunner): Promise<void> {
    // The task's name (from the reconciler's report), and an Ignore: ignored tasks leave the problems list.
    await q.query(`ALTER TABLE failed_task ADD COLUMN subject text, ADD COLUMN ignored_at timestamptz`);
    await q.query(`CREATE INDEX failed_task_by_group ON failed_task (connection_id, side, code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX failed_task_by_group`);
    await q.query(`ALTER TABLE failed_task DROP COLUMN subject, DROP COLUMN ignored_at`);
  }
}
