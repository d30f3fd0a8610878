import { MigrationInterface, QueryRunner } from 'typeorm';

/** Connect attempts: the OAuth state's nonce, single use, bound to a browser, with its PKCE verifier. */
export class CreateConnectAttempt1764000000204 implements MigrationInterface {
  name = 'CreateConnectAttempt1764000000204';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connect_attempt (
        nonce text PRIMARY KEY,
        tenant_id text NOT NULL,
        user_id text NOT NULL,
        time_zone text NOT NULL,
        browser_hash text NOT NULL,
        code_verifier_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX connect_attempt_expiry ON connect_attempt (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connect_attempt`);
  }
}

/** What an attempt's grant is for: the user's connection, or the org's reader (issue 20). */
export class AddConnectAttemptPurpose1764000000205 implements MigrationInterface {
  name = 'AddConnectAttemptPurpose1764000000205';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connect_attempt ADD COLUMN purpose text NOT NULL DEFAULT 'connection' CHECK (purpose IN ('connection', 'org-reader'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connect_attempt DROP COLUMN purpose`);
  }
}

/** Whether the user confirmed starting over with another Salesforce account (issue 22: reconnect in place). */
export class AddConnectAttemptStartOver1764000000223 implements MigrationInterface {
  name = 'AddConnectAttemptStartOver1764000000223';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connect_attempt ADD COLUMN start_over boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connect_attempt DROP COLUMN start_over`);
  }
}
