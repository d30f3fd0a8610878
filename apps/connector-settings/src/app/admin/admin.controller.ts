import { Controller, Get, Inject, Param, Query, Req, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { paginationQuerySchema, type Page, type PaginationQuery } from '../http/pagination';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { AdminService } from './admin.service';
import type { AdminOrgView, AdminRepView } from './admin.view';

@Controller('v1/admin/orgs')
@UseGuards(AuthGuard, AdminGuard)
export class AdminController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  /** Every org of the tenant; `?limit=` sizes each org's first page of reps. */
  @Get()
  async orgs(
    @Req() req: AuthenticatedRequest,
    @Query(new ZodBodyPipe(paginationQuerySchema, 'query')) query: PaginationQuery,
  ): Promise<{ items: AdminOrgView[] }> {
    return { items: await this.admin.listOrgs(req.principal, { offset: 0, limit: query.limit }) };
  }

  @Get(':orgId/reps')
  reps(
    @Req() req: AuthenticatedRequest,
    @Param('orgId') orgId: string,
    @Query(new ZodBodyPipe(paginationQuerySchema, 'query')) query: PaginationQuery,
  ): Promise<Page<AdminRepView>> {
    return this.admin.listReps(req.principal, orgId, query);
  }
}
