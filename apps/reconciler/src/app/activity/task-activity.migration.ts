import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTaskActivity1764000000430 implements MigrationInterface {
  name = 'CreateTaskActivity1764000000430';

  async up(q: QueryRunner): Promise<void> {
    // Written in the transaction of what it records. The subject is kept on each row, so a task is
    // found by a name it had.
    await q.query(`
      CREATE TABLE task_activity (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        link_id uuid NOT NULL,
        salesconnect_task_id text,
        sfdc_task_id text,
        subject text,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL CHECK (kind IN ('read', 'decision', 'write', 'conflict', 'retry', 'dead-letter', 'ignored', 'resync')),
        side text CHECK (side IN ('salesconnect', 'sfdc')),
        origin text,
        summary text NOT NULL,
        reason text,
        outcome text,
        code text,
        detail jsonb
      )`);
    await q.query(`CREATE INDEX task_activity_by_link ON task_activity (link_id, id)`);
    await q.query(`CREATE INDEX task_activity_by_connection ON task_activity (connection_id, link_id)`);
    await q.query(`CREATE INDEX task_activity_at ON task_activity (at)`);
    // The conflicts list names the pair (and so its subject and links) without matching on task ids.
    await q.query(`ALTER TABLE sync_conflict ADD COLUMN link_id uuid`);
    await q.query(`CREATE INDEX sync_conflict_by_connection ON sync_conflict (connection_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sync_conflict_by_connection`);
    await q.query(`ALTER TABLE sync_conflict DROP COLUMN link_id`);
    await q.query(`DROP TABLE task_activity`);
  }
}

export class IgnoreFailedWrites1764000000431 implements MigrationInterface {
  name = 'IgnoreFailedWrites1764000000431';

  async up(q: QueryRunner): Promise<void> {
    // An ignored failed write is not retried on its schedule; a later change of the task replaces it.
    await q.query(`ALTER TABLE failed_write ADD COLUMN ignored_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE failed_write DROP COLUMN ignored_at`);
  }
}

export class TuneTaskActivityWrites1764000000432 implements MigrationInterface {
  name = 'TuneTaskActivityWrites1764000000432';

  async up(q: QueryRunner): Promise<void> {
    // A connection's events in id order: each insert lands at the end of its connection's range instead
    // of at a random link id, and the search still reads one connection's events.
    await q.query(`CREATE INDEX task_activity_by_connection_id ON task_activity (connection_id, id)`);
    await q.query(`DROP INDEX task_activity_by_connection`);
    // Room on each page, so rewriting a link's state (most changes do) can stay on its page without
    // touching task_link's three indexes (a HOT update).
    await q.query(`ALTER TABLE task_link SET (fillfactor = 80)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE task_link RESET (fillfactor)`);
    await q.query(`CREATE INDEX task_activity_by_connection ON task_activity (connection_id, link_id)`);
    await q.query(`DROP INDEX task_activity_by_connection_id`);
  }
}
