import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDriftRepairRuns1764000000410 implements MigrationInterface {
  name = 'CreateDriftRepairRuns1764000000410';

  async up(q: QueryRunner): Promise<void> {
    // One row a drift repair pass: what it found and fixed, for an operator and for the schedule
    // (when a connection's last pass started; where a pass cut short by its call bound stopped).
    await q.query(`
      CREATE TABLE drift_repair_run (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 're-enable', 'on-demand')),
        status text NOT NULL CHECK (status IN ('running', 'done', 'cut-short', 'failed')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        pairs_checked int NOT NULL DEFAULT 0,
        differences int NOT NULL DEFAULT 0,
        repaired int NOT NULL DEFAULT 0,
        unlinked int NOT NULL DEFAULT 0,
        skipped int NOT NULL DEFAULT 0,
        sfdc_calls int NOT NULL DEFAULT 0,
        salesconnect_calls int NOT NULL DEFAULT 0,
        resume_after uuid,
        error text
      )`);
    await q.query(`CREATE INDEX drift_repair_run_by_connection ON drift_repair_run (connection_id, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drift_repair_run`);
  }
}
