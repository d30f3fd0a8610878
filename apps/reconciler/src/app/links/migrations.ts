import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTaskLinks1764000000400 implements MigrationInterface {
  name = 'CreateTaskLinks1764000000400';

  async up(q: QueryRunner): Promise<void> {
    // A link's id on a side is null until the write that creates the task there has landed.
    await q.query(`
      CREATE TABLE task_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id text NOT NULL,
        salesconnect_task_id text,
        sfdc_task_id text,
        link jsonb NOT NULL,
        unlinked_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // No duplicates: one live link per task, both ways.
    await q.query(
      `CREATE UNIQUE INDEX task_link_salesconnect ON task_link (connection_id, salesconnect_task_id) WHERE unlinked_at IS NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX task_link_sfdc ON task_link (connection_id, sfdc_task_id) WHERE unlinked_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE task_write (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        link_id uuid NOT NULL,
        side text NOT NULL CHECK (side IN ('salesconnect', 'sfdc')),
        action jsonb NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX task_write_queue ON task_write (connection_id, id)`);
    await q.query(`
      CREATE TABLE sync_conflict (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        salesconnect_task_id text,
        sfdc_task_id text,
        field text NOT NULL,
        winner jsonb NOT NULL,
        loser jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync_conflict`);
    await q.query(`DROP TABLE task_write`);
    await q.query(`DROP TABLE task_link`);
  }
}

export class CreateParkedChanges1764000000401 implements MigrationInterface {
  name = 'CreateParkedChanges1764000000401';

  async up(q: QueryRunner): Promise<void> {
    // Changes for a connection whose setting is not known here yet (the settings topic is behind).
    await q.query(`
      CREATE TABLE parked_change (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        change jsonb NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX parked_change_by_connection ON parked_change (connection_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parked_change`);
  }
}

export class IndexTaskWriteQueue1764000000402 implements MigrationInterface {
  name = 'IndexTaskWriteQueue1764000000402';

  async up(q: QueryRunner): Promise<void> {
    // A round reads each side's oldest writes of a connection (readQueuedWrites), and first asks
    // which connections have a write due (dueConnections): an index probe each, however long the queue.
    await q.query(`CREATE INDEX task_write_side_queue ON task_write (connection_id, side, id)`);
    await q.query(`CREATE INDEX task_write_due ON task_write (connection_id, next_attempt_at)`);
    await q.query(`DROP INDEX task_write_queue`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX task_write_queue ON task_write (connection_id, id)`);
    await q.query(`DROP INDEX task_write_due`);
    await q.query(`DROP INDEX task_write_side_queue`);
  }
}

export class CreateFailedWrites1764000000421 implements MigrationInterface {
  name = 'CreateFailedWrites1764000000421';

  async up(q: QueryRunner): Promise<void> {
    // A task's write the other side refused, kept to be tried again on a schedule (FailedWritesRepository).
    // write_id is the id of the first queued write it folded: a retry is queued under that id again,
    // so it keeps its place before the task's later writes and they fold onto it.
    await q.query(`
      CREATE TABLE failed_write (
        link_id uuid NOT NULL,
        side text NOT NULL CHECK (side IN ('salesconnect', 'sfdc')),
        connection_id text NOT NULL,
        write_id bigint NOT NULL,
        action jsonb NOT NULL,
        code text NOT NULL,
        reason text NOT NULL,
        attempts int NOT NULL,
        first_failed_at timestamptz NOT NULL,
        last_failed_at timestamptz NOT NULL,
        next_retry_at timestamptz,
        queued boolean NOT NULL DEFAULT false,
        PRIMARY KEY (link_id, side)
      )`);
    await q.query(
      `CREATE INDEX failed_write_due ON failed_write (next_retry_at) WHERE NOT queued AND next_retry_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX failed_write_by_connection ON failed_write (connection_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE failed_write`);
  }
}

export class IndexTaskWriteByLink1764000000433 implements MigrationInterface {
  name = 'IndexTaskWriteByLink1764000000433';

  async up(q: QueryRunner): Promise<void> {
    // The drift pass asks of each pair whether a write of its link is queued: without this index each
    // ask read the whole queue (an import queues 100,000), 25 s a page of 200 pairs in the benchmark.
    await q.query(`CREATE INDEX task_write_by_link ON task_write (link_id)`);
    // The write queue is emptied from its head all day and the links rewritten on most changes: vacuum
    // them after a fixed number of dead rows, not after a fifth of the table (PostgreSQL's default).
    await q.query(
      `ALTER TABLE task_write SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000)`,
    );
    await q.query(`ALTER TABLE task_link SET (autovacuum_vacuum_scale_factor = 0.02)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE task_link RESET (autovacuum_vacuum_scale_factor)`);
    await q.query(
      `ALTER TABLE task_write RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold)`,
    );
    await q.query(`DROP INDEX task_write_by_link`);
  }
}

export class CreateDeletionsAwaitingCreate1764000000440 implements MigrationInterface {
  name = 'CreateDeletionsAwaitingCreate1764000000440';

  async up(q: QueryRunner): Promise<void> {
    // Deletions of a task no link names yet, while the connection's own create on that side is in
    // flight (mustAwaitOwnCreate): decided again once it landed. Few rows, read whole each time.
    await q.query(`
      CREATE TABLE deletion_awaiting_create (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        side text NOT NULL CHECK (side IN ('salesconnect', 'sfdc')),
        change jsonb NOT NULL,
        waiting_since timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deletion_awaiting_create`);
  }
}
