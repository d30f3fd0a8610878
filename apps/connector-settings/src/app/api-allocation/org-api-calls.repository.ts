import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiCallReport } from '@task-sync/sfdc-api-budget';

/** What is stored of an org: our calls since `since`, the admin's allocation, the org's limit as last read. */
export interface OrgApiCallsRow {
  orgId: string;
  used: number;
  adminAllocated: number | null;
  orgLimit: number | null;
  orgUsed: number | null;
  limitReadAt: Date | null;
}

@Injectable()
export class OrgApiCallsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Orgs in id order, so two replicas adding to the same rows lock them in the same order. */
  async recordCalls(reports: readonly ApiCallReport[], bucket: Date, at: Date): Promise<void> {
    const counted = [...reports].filter((r) => r.calls > 0).sort((a, b) => (a.orgId < b.orgId ? -1 : 1));
    if (counted.length > 0) {
      await this.dataSource.query(
        `INSERT INTO org_api_call_bucket AS b (sfdc_org_id, bucket_start, calls)
         SELECT r.org, $2, r.calls FROM unnest($1::text[], $3::int[]) AS r(org, calls)
         ON CONFLICT (sfdc_org_id, bucket_start) DO UPDATE SET calls = b.calls + EXCLUDED.calls`,
        [counted.map((r) => r.orgId), bucket, counted.map((r) => r.calls)],
      );
    }
    const read = [...reports].filter((r) => r.orgUsage).sort((a, b) => (a.orgId < b.orgId ? -1 : 1));
    if (read.length > 0) {
      await this.dataSource.query(
        `INSERT INTO org_api_allocation AS a (sfdc_org_id, org_used, org_limit, limit_read_at)
         SELECT r.org, r.used, r.lim, $4 FROM unnest($1::text[], $2::int[], $3::int[]) AS r(org, used, lim)
         ON CONFLICT (sfdc_org_id) DO UPDATE SET org_used = EXCLUDED.org_used, org_limit = EXCLUDED.org_limit, limit_read_at = EXCLUDED.limit_read_at`,
        [read.map((r) => r.orgId), read.map((r) => r.orgUsage?.used), read.map((r) => r.orgUsage?.limit), at],
      );
    }
  }

  /** Each org's calls in buckets starting at `since` or later, with its allocation row (absent orgs answer zeros and nulls). */
  async findOrgs(orgIds: readonly string[], since: Date): Promise<OrgApiCallsRow[]> {
    if (orgIds.length === 0) return [];
    const rows: {
      org: string;
      used: number;
      allocated: number | null;
      org_limit: number | null;
      org_used: number | null;
      limit_read_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT o.org, COALESCE((SELECT sum(b.calls) FROM org_api_call_bucket b WHERE b.sfdc_org_id = o.org AND b.bucket_start >= $2), 0)::int AS used,
              a.allocated, a.org_limit, a.org_used, a.limit_read_at
         FROM unnest($1::text[]) AS o(org)
         LEFT JOIN org_api_allocation a ON a.sfdc_org_id = o.org`,
      [[...new Set(orgIds)], since],
    );
    return rows.map((r) => ({
      orgId: r.org,
      used: r.used,
      adminAllocated: r.allocated,
      orgLimit: r.org_limit,
      orgUsed: r.org_used,
      limitReadAt: r.limit_read_at,
    }));
  }

  /** Empty buckets are not stored (fillUsageBuckets adds them). */
  async usageBuckets(orgId: string, since: Date, until: Date): Promise<{ start: Date; calls: number }[]> {
    const rows: { bucket_start: Date; calls: number }[] = await this.dataSource.query(
      `SELECT bucket_start, calls FROM org_api_call_bucket WHERE sfdc_org_id = $1 AND bucket_start >= $2 AND bucket_start <= $3 ORDER BY bucket_start`,
      [orgId, since, until],
    );
    return rows.map((r) => ({ start: r.bucket_start, calls: r.calls }));
  }

  /** An admin sets the org's allocation; null goes back to the default share. */
  async setAllocation(orgId: string, allocated: number | null, byUserId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO org_api_allocation AS a (sfdc_org_id, allocated, allocated_by_user_id, allocated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (sfdc_org_id) DO UPDATE SET allocated = EXCLUDED.allocated, allocated_by_user_id = EXCLUDED.allocated_by_user_id, allocated_at = EXCLUDED.allocated_at`,
      [orgId, allocated, byUserId],
    );
  }

  async purgeBucketsBefore(before: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM org_api_call_bucket WHERE bucket_start < $1`, [before]);
  }
}
