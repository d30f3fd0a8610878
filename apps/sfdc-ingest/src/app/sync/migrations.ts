import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSfdcSyncState1764000000300 implements MigrationInterface {
  name = 'CreateSfdcSyncState1764000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sfdc_sync_state (
        connection_id text PRIMARY KEY,
        enable_at timestamptz NOT NULL,
        enable_kind text NOT NULL CHECK (enable_kind IN ('first-enable', 're-enable')),
        stage text NOT NULL CHECK (stage IN ('import', 'reenable-deletes', 'live')),
        import_after_stamp timestamptz,
        import_after_id text,
        import_found int,
        import_imported int NOT NULL DEFAULT 0,
        import_failed int NOT NULL DEFAULT 0,
        changes_watermark timestamptz NOT NULL,
        poll_from timestamptz,
        poll_after_stamp timestamptz,
        poll_after_id text,
        deletes_watermark timestamptz NOT NULL,
        audited_at timestamptz,
        next_run_at timestamptz NOT NULL,
        paused_reason text,
        lease_until timestamptz
      )`);
    await q.query(`CREATE INDEX sfdc_sync_state_due ON sfdc_sync_state (next_run_at)`);
    await q.query(`
      CREATE TABLE sfdc_published_change (
        connection_id text NOT NULL,
        task_id text NOT NULL,
        stamp timestamptz NOT NULL,
        PRIMARY KEY (connection_id, task_id, stamp)
      )`);
    await q.query(`CREATE INDEX sfdc_published_change_age ON sfdc_published_change (connection_id, stamp)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sfdc_published_change`);
    await q.query(`DROP TABLE sfdc_sync_state`);
  }
}

/** A task edited twice in one second keeps its SystemModstamp: what was read tells the two apart. */
export class AddPublishedChangeFingerprint1764000000301 implements MigrationInterface {
  name = 'AddPublishedChangeFingerprint1764000000301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sfdc_published_change ADD COLUMN fingerprint text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE sfdc_published_change DROP CONSTRAINT sfdc_published_change_pkey`);
    await q.query(`ALTER TABLE sfdc_published_change ADD PRIMARY KEY (connection_id, task_id, stamp, fingerprint)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM sfdc_published_change WHERE fingerprint <> ''`);
    await q.query(`ALTER TABLE sfdc_published_change DROP CONSTRAINT sfdc_published_change_pkey`);
    await q.query(`ALTER TABLE sfdc_published_change DROP COLUMN fingerprint`);
    await q.query(`ALTER TABLE sfdc_published_change ADD PRIMARY KEY (connection_id, task_id, stamp)`);
  }
}

/**
 * One Change Data Capture stream per Salesforce org: where it stands (the last replay id handed to
 * Kafka), which replica holds it (a lease), and its state with the reason, for a person to read.
 */
export class CreateSfdcOrgStream1764000000302 implements MigrationInterface {
  name = 'CreateSfdcOrgStream1764000000302';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sfdc_org_stream (
        org_id text PRIMARY KEY,
        replay_id bigint,
        lease_holder text,
        lease_until timestamptz,
        state text NOT NULL DEFAULT 'stopped' CHECK (state IN ('streaming', 'retrying', 'down', 'stopped')),
        state_reason text,
        retry_at timestamptz,
        last_event_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sfdc_org_stream`);
  }
}

/** Which connections each task was published to: a task reassigned away still reaches its former owner's connection once (R8). */
export class CreateSfdcTaskRoute1764000000303 implements MigrationInterface {
  name = 'CreateSfdcTaskRoute1764000000303';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sfdc_task_route (
        task_key text NOT NULL,
        connection_id text NOT NULL,
        PRIMARY KEY (task_key, connection_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sfdc_task_route`);
  }
}

/**
 * Org reads: how each org is read (`reads`: once for the org through its reader, or per rep, with
 * the reason), its safety-net poll's schedule, lease and position, and when getDeleted last ran for
 * it. A per-rep poll counts its idle rounds to back off.
 */
export class CreateSfdcOrgPoll1764000000304 implements MigrationInterface {
  name = 'CreateSfdcOrgPoll1764000000304';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sfdc_org_poll (
        org_id text PRIMARY KEY,
        reads text NOT NULL CHECK (reads IN ('org', 'per-rep')),
        reads_reason text NOT NULL,
        checked_at timestamptz NOT NULL,
        next_run_at timestamptz NOT NULL,
        lease_until timestamptz,
        poll_from timestamptz,
        poll_after_stamp timestamptz,
        poll_after_id text,
        audited_at timestamptz,
        last_polled_at timestamptz,
        paused_reason text
      )`);
    await q.query(`ALTER TABLE sfdc_sync_state ADD COLUMN idle_polls int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sfdc_sync_state DROP COLUMN idle_polls`);
    await q.query(`DROP TABLE sfdc_org_poll`);
  }
}

/** This service's own tables, in order (after the settings projection's). */
/** Which published change of a task is its latest: a state published again (put back within one second) is the latest again. */
export class AddPublishedChangeOrder1764000000305 implements MigrationInterface {
  name = 'AddPublishedChangeOrder1764000000305';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE sfdc_published_change ADD COLUMN published_at timestamptz NOT NULL DEFAULT clock_timestamp()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sfdc_published_change DROP COLUMN published_at`);
  }
}

/**
 * Where a rep's last complete poll reached (the instant it began): after a disable, the rep is
 * polled until this passes the disable by the look-back, so a change made before it is not lost (R7 exact).
 */
export class AddSyncStatePolledThrough1764000000306 implements MigrationInterface {
  name = 'AddSyncStatePolledThrough1764000000306';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sfdc_sync_state ADD COLUMN polled_through timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sfdc_sync_state DROP COLUMN polled_through`);
  }
}

export const SFDC_INGEST_MIGRATIONS = [
  CreateSfdcSyncState1764000000300,
  AddPublishedChangeFingerprint1764000000301,
  CreateSfdcOrgStream1764000000302,
  CreateSfdcTaskRoute1764000000303,
  CreateSfdcOrgPoll1764000000304,
  AddPublishedChangeOrder1764000000305,
  AddSyncStatePolledThrough1764000000306,
];
