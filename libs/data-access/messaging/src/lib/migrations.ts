import { MigrationInterface, QueryRunner } from 'typeorm';

// Tables land in the service's own schema through the connection's search_path.

export class CreateProcessedMessage1764000000000 implements MigrationInterface {
  name = 'CreateProcessedMessage1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processed_message (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        kafka_offset bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processed_message`);
  }
}

export class CreateOutboxMessage1764000000001 implements MigrationInterface {
  name = 'CreateOutboxMessage1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_message (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        event_type text NOT NULL,
        topic text NOT NULL,
        message_key text NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX outbox_message_unpublished ON outbox_message (id) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_message`);
  }
}
