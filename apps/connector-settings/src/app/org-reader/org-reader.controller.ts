import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AdminGuard } from '../auth/admin.guard';
import { AuthGuard, ConnectRateLimitGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { SalesforceConnectService } from '../salesforce/salesforce-connect.service';
import { startConnectFromBrowser } from '../salesforce/salesforce.controller';
import { CONNECT_FLOW, type ConnectFlowSettings } from '../salesforce/salesforce.tokens';
import { OrgIdPipe } from './org-id.pipe';
import { OrgReaderService } from './org-reader.service';
import type { OrgReaderView } from './org-reader.view';

/** Every route needs the admin role (JWT_ADMIN_ROLE). */
@Controller('v1/salesforce/org-reader')
@UseGuards(AuthGuard, AdminGuard)
export class OrgReaderController {
  constructor(
    @Inject(OrgReaderService) private readonly readers: OrgReaderService,
    @Inject(SalesforceConnectService) private readonly connect: SalesforceConnectService,
    @Inject(CONNECT_FLOW) private readonly flow: ConnectFlowSettings,
  ) {}

  @Get()
  async list(@Req() req: AuthenticatedRequest): Promise<{ items: OrgReaderView[] }> {
    return { items: await this.readers.list(req.principal) };
  }

  /** The admin signs in at Salesforce as the integration user. */
  @Post('connect')
  @HttpCode(200)
  @UseGuards(ConnectRateLimitGuard)
  start(
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ authorizeUrl: string }> {
    return startConnectFromBrowser(this.connect, this.flow, req, res, 'org-reader');
  }

  /** "Check again": the preflight now (three Salesforce API calls). */
  @Post(':orgId/preflight')
  @HttpCode(200)
  checkAgain(@Req() req: AuthenticatedRequest, @Param('orgId', new OrgIdPipe()) orgId: string): Promise<OrgReaderView> {
    return this.readers.checkAgain(req.principal, orgId);
  }

  /** The org's connections go back to polling. */
  @Delete(':orgId')
  @HttpCode(204)
  disconnect(@Req() req: AuthenticatedRequest, @Param('orgId', new OrgIdPipe()) orgId: string): Promise<void> {
    return this.readers.disconnect(req.principal, orgId);
  }
}
