import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { OrgApiAllocationService } from '../api-allocation/org-api-allocation.service';
import type { Principal } from '../auth/principal';
import { toPage, type Page, type PaginationQuery } from '../http/pagination';
import { toReaderState } from '../org-reader/org-reader';
import { OrgReaderRepository } from '../org-reader/org-reader.repository';
import { toOrgReaderView } from '../org-reader/org-reader.view';
import { decideReadMode } from '../org-reader/read-mode';
import { AdminRepsRepository } from './admin-reps.repository';
import { toAdminRepView, type AdminOrgView, type AdminRepView } from './admin.view';

@Injectable()
export class AdminService {
  constructor(
    @Inject(OrgApiAllocationService) private readonly allocations: OrgApiAllocationService,
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(AdminRepsRepository) private readonly reps: AdminRepsRepository,
  ) {}

  async listOrgs(principal: Principal, firstPage: PaginationQuery): Promise<AdminOrgView[]> {
    const orgIds = await this.allocations.tenantOrgs(principal.tenantId);
    const own = new Map((await this.readers.listForTenant(principal.tenantId)).map((r) => [r.orgId, r]));
    const views: AdminOrgView[] = [];
    for (const orgId of orgIds) {
      const reader = own.get(orgId);
      const { used, allocated, buckets } = await this.allocations.usageOverWindow(orgId);
      views.push({
        orgId,
        reader: reader ? toOrgReaderView(reader) : null,
        apiUsage: { used, allocated, buckets },
        reps: await this.pageOfReps(principal.tenantId, orgId, firstPage),
      });
    }
    return views;
  }

  /** More of an org's reps; an org the tenant has nothing in answers 404. */
  async listReps(principal: Principal, orgId: string, page: PaginationQuery): Promise<Page<AdminRepView>> {
    const org = await this.allocations.tenantOrg(principal.tenantId, orgId);
    if (!org)
      throw new NotFoundException({
        error: 'ORG_NOT_FOUND',
        message: `the tenant has no connection in Salesforce org ${orgId}`,
      });
    return this.pageOfReps(principal.tenantId, org, page);
  }

  private async pageOfReps(tenantId: string, orgId: string, page: PaginationQuery): Promise<Page<AdminRepView>> {
    // Every rep of the org is read the same way: by the org's reader, whoever connected it, or by polling.
    const readMode = decideReadMode(toReaderState(await this.readers.findByOrg(orgId)));
    const { rows, total } = await this.reps.pageOfOrg(tenantId, orgId, page);
    const now = Date.now();
    return toPage(
      rows.map((row) => toAdminRepView(row, readMode, now)),
      total,
      page,
    );
  }
}
