import { Body, Controller, Get, Inject, Param, Put, Req, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { setApiAllocationBodySchema, type SetApiAllocationBody } from './api-allocation.schemas';
import type { ApiAllocationView } from './api-allocation.view';
import { OrgApiAllocationService } from './org-api-allocation.service';

@Controller('v1/salesforce/api-allocation')
@UseGuards(AuthGuard, AdminGuard)
export class ApiAllocationController {
  constructor(@Inject(OrgApiAllocationService) private readonly allocations: OrgApiAllocationService) {}

  @Get()
  async list(@Req() req: AuthenticatedRequest): Promise<{ items: ApiAllocationView[] }> {
    return { items: await this.allocations.listForTenant(req.principal) };
  }

  /** `null` goes back to the default share of the org's limit. */
  @Put(':orgId')
  set(
    @Req() req: AuthenticatedRequest,
    @Param('orgId') orgId: string,
    @Body(new ZodBodyPipe(setApiAllocationBodySchema)) body: SetApiAllocationBody,
  ): Promise<ApiAllocationView> {
    return this.allocations.setAllocation(req.principal, orgId, body.allocated);
  }
}
