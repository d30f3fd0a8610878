import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every replica's calls are reported here in batches, so an org's count spans the services. */
export class CreateOrgApiCalls1764000000208 implements MigrationInterface {
  name = 'CreateOrgApiCalls1764000000208';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE org_api_call_bucket (
        sfdc_org_id text NOT NULL,
        bucket_start timestamptz NOT NULL,
        calls integer NOT NULL CHECK (calls >= 0),
        PRIMARY KEY (sfdc_org_id, bucket_start)
      )`);
    // Buckets that left the window are deleted by their start, whatever the org.
    await q.query(`CREATE INDEX org_api_call_bucket_by_start ON org_api_call_bucket (bucket_start)`);
    await q.query(`
      CREATE TABLE org_api_allocation (
        sfdc_org_id text PRIMARY KEY,
        allocated integer CHECK (allocated >= 0),
        allocated_by_user_id text,
        allocated_at timestamptz,
        org_used integer,
        org_limit integer,
        limit_read_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE org_api_allocation`);
    await q.query(`DROP TABLE org_api_call_bucket`);
  }
}
