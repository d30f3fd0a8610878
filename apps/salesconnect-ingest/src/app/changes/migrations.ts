import { MigrationInterface, QueryRunner } from 'typeorm';

// Tables land in the service's own schema (salesconnect_ingest) through the connection's search_path.

export class CreateSalesConnectFeedState1764000000700 implements MigrationInterface {
  name = 'CreateSalesConnectFeedState1764000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feed_cursor (
        feed text PRIMARY KEY,
        cursor text NOT NULL,
        last_sequence bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Changes published ahead of the cursor (by webhook), so the catch-up does not publish them again.
    await q.query(`
      CREATE TABLE published_change (
        sequence bigint PRIMARY KEY,
        published_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Connections we reported in error and not yet recovered: the next good round reports them recovered.
    await q.query(`
      CREATE TABLE reported_connection_error (
        connection_id text PRIMARY KEY,
        code text NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reported_connection_error`);
    await q.query(`DROP TABLE published_change`);
    await q.query(`DROP TABLE feed_cursor`);
  }
}

export class CreateTaskChangeOrder1764000000710 implements MigrationInterface {
  name = 'CreateTaskChangeOrder1764000000710';

  async up(q: QueryRunner): Promise<void> {
    // Per task, how far its changes went out in Sales Connect's order (task.version): a webhook
    // waits for its predecessor, and nothing older is published after something newer.
    await q.query(`
      CREATE TABLE task_change_order (
        task_id text PRIMARY KEY,
        released_version integer NOT NULL,
        published_version integer,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_change_order`);
  }
}
