import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each connection's last conclusive preflight (issue 22): whether its rep can sync in their org
 * (`ready`) or why not (`missing-external-id-field`, `field-not-unique`, …). A state other than
 * `ready` pauses the connection's reads and writes: its Salesforce session is refused.
 */
export class CreateConnectionPreflight1764000000230 implements MigrationInterface {
  name = 'CreateConnectionPreflight1764000000230';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connection_preflight (
        connection_id uuid PRIMARY KEY REFERENCES connection (id) ON DELETE CASCADE,
        state text NOT NULL,
        detail text,
        checked_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connection_preflight`);
  }
}
