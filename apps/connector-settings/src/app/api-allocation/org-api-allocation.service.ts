import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  bucketStartOf,
  fillUsageBuckets,
  firstCountedBucket,
  resolveAllocation,
  type ApiCallReport,
  type OrgApiAllowance,
} from '@task-sync/sfdc-api-budget';
import type { Principal } from '../auth/principal';
import { SFDC_ORG_ID } from '../org-reader/org-reader';
import type { ApiAllocationUsage } from '@task-sync/contracts/http';
import type { ApiAllocationView, ApiUsageOverWindow } from './api-allocation.view';
import { OrgApiCallsRepository, type OrgApiCallsRow } from './org-api-calls.repository';

/** Injection token: API_ALLOCATION_DEFAULT_SHARE, API_CALLS_WINDOW_SECONDS and API_CALLS_BUCKET_SECONDS. */
export const API_ALLOCATION_SETTINGS = Symbol('API_ALLOCATION_SETTINGS');

export interface ApiAllocationSettings {
  defaultShare: number;
  windowMs: number;
  bucketMs: number;
}

/** The services learn to pause and to go on from the allowance their reports are answered with. */
@Injectable()
export class OrgApiAllocationService {
  private purgedAt = 0;

  constructor(
    @Inject(OrgApiCallsRepository) private readonly calls: OrgApiCallsRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(API_ALLOCATION_SETTINGS) private readonly settings: ApiAllocationSettings,
  ) {}

  async report(reports: readonly ApiCallReport[]): Promise<OrgApiAllowance[]> {
    const now = Date.now();
    await this.calls.recordCalls(reports, new Date(bucketStartOf(now, this.settings.bucketMs)), new Date(now));
    if (now - this.purgedAt >= this.settings.bucketMs) {
      this.purgedAt = now;
      await this.calls.purgeBucketsBefore(
        new Date(firstCountedBucket(now, this.settings.windowMs, this.settings.bucketMs)),
      );
    }
    return (await this.findOrgs(reports.map((r) => r.orgId))).map((row) => ({
      orgId: row.orgId,
      used: row.used,
      ...this.allocationOf(row),
    }));
  }

  async usageOf(orgId: string): Promise<ApiAllocationUsage> {
    const [row] = await this.findOrgs([orgId]);
    return { used: row?.used ?? 0, allocated: row ? this.allocationOf(row).allocated : null };
  }

  /** Our calls in the org over the window, against its allocation, by bucket (oldest first, empty ones 0): the 24-hour chart. */
  async usageOverWindow(orgId: string): Promise<ApiUsageOverWindow> {
    const now = Date.now();
    const since = firstCountedBucket(now, this.settings.windowMs, this.settings.bucketMs);
    const [usage, stored] = await Promise.all([
      this.usageOf(orgId),
      this.calls.usageBuckets(orgId, new Date(since), new Date(now)),
    ]);
    return { orgId, ...usage, buckets: fillUsageBuckets(stored, since, now, this.settings.bucketMs) };
  }

  async listForTenant(principal: Principal): Promise<ApiAllocationView[]> {
    return (await this.findOrgs(await this.tenantOrgs(principal.tenantId))).map((row) => this.toView(row));
  }

  /** An org outside the tenant answers 404. */
  async setAllocation(principal: Principal, orgId: string, allocated: number | null): Promise<ApiAllocationView> {
    const org = await this.tenantOrg(principal.tenantId, orgId);
    if (!org)
      throw new NotFoundException({
        error: 'ORG_NOT_FOUND',
        message: `the tenant has no connection in Salesforce org ${orgId}`,
      });
    await this.calls.setAllocation(org, allocated, principal.userId);
    const [row] = await this.findOrgs([org]);
    return this.toView(row as OrgApiCallsRow);
  }

  private findOrgs(orgIds: string[]): Promise<OrgApiCallsRow[]> {
    return this.calls.findOrgs(
      orgIds,
      new Date(firstCountedBucket(Date.now(), this.settings.windowMs, this.settings.bucketMs)),
    );
  }

  /** The tenant's org named by `orgId` (its 15- or 18-character form), or undefined when the tenant has none such. */
  async tenantOrg(tenantId: string, orgId: string): Promise<string | undefined> {
    if (!SFDC_ORG_ID.test(orgId)) return undefined;
    return (await this.tenantOrgs(tenantId)).find(
      (id) => id === orgId || (orgId.length === 15 && id.startsWith(orgId)),
    );
  }

  async tenantOrgs(tenantId: string): Promise<string[]> {
    const rows: { org: string }[] = await this.dataSource.query(
      `SELECT sfdc_org_id AS org FROM connection WHERE tenant_id = $1 UNION SELECT sfdc_org_id FROM org_reader WHERE tenant_id = $1 ORDER BY 1`,
      [tenantId],
    );
    return rows.map((r) => r.org);
  }

  private allocationOf(row: OrgApiCallsRow) {
    return resolveAllocation({
      adminAllocated: row.adminAllocated,
      orgLimit: row.orgLimit,
      defaultShare: this.settings.defaultShare,
    });
  }

  private toView(row: OrgApiCallsRow): ApiAllocationView {
    return {
      orgId: row.orgId,
      used: row.used,
      ...this.allocationOf(row),
      defaultAllocated: resolveAllocation({
        adminAllocated: null,
        orgLimit: row.orgLimit,
        defaultShare: this.settings.defaultShare,
      }).allocated,
      orgUsage:
        row.orgLimit !== null && row.orgUsed !== null && row.limitReadAt
          ? { used: row.orgUsed, limit: row.orgLimit, readAt: row.limitReadAt.toISOString() }
          : null,
    };
  }
}
