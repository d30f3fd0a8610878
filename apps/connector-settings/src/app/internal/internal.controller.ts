import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import type { SalesforceSession } from '@task-sync/sfdc-client';
import type { OrgApiAllowance } from '@task-sync/sfdc-api-budget';
import { apiCallsReportSchema, type ApiCallsReportBody } from '../api-allocation/api-allocation.schemas';
import { OrgApiAllocationService } from '../api-allocation/org-api-allocation.service';
import { OrgIdPipe } from '../org-reader/org-id.pipe';
import { OrgReaderRepository } from '../org-reader/org-reader.repository';
import { toOrgReaderStatus, type OrgReaderStatus } from '../org-reader/org-reader.view';
import { SalesforceSessionService, type OrgReaderSession } from './salesforce-session.service';
import { InternalCallers, ServiceAuthGuard, type ServiceRequest } from './service-auth.guard';
import { SettingsClock, type SettingsWatermark } from '../connections/settings-clock';

const sessionRequestSchema = z
  .object({
    /** The access token Salesforce just answered INVALID_SESSION_ID to: hand out a new one. */
    rejectedAccessToken: z.string().min(1).optional(),
  })
  .strict()
  .optional();

/** Not in the public API document. Tokens travel only here, over HTTP inside the cluster, never on Kafka. */
@Controller('internal/v1')
@UseGuards(ServiceAuthGuard)
@InternalCallers(['sfdc-ingest', 'reconciler'])
export class InternalController {
  constructor(
    @Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService,
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(OrgApiAllocationService) private readonly allocations: OrgApiAllocationService,
    @Inject(SettingsClock) private readonly settingsClock: SettingsClock,
  ) {}

  /** Up to which instant the settings topic, read to the offsets answered, holds every setting change (R7 exact). */
  @Get('settings-watermark')
  @InternalCallers(['reconciler', 'salesconnect-ingest'])
  settingsWatermark(): Promise<SettingsWatermark> {
    return this.settingsClock.watermark();
  }

  @Post('connections/:id/salesforce-session')
  @HttpCode(200)
  obtainSalesforceSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodBodyPipe(sessionRequestSchema)) body: z.output<typeof sessionRequestSchema>,
    @Req() req: ServiceRequest,
  ): Promise<SalesforceSession> {
    return this.sessions.obtain(id, body?.rejectedAccessToken, req.callerService);
  }

  /** The org reader's session, for reading the org's changes: the connection session's answers and errors, without `connectionId`. */
  @Post('orgs/:orgId/reader-session')
  @HttpCode(200)
  obtainReaderSession(
    @Param('orgId', new OrgIdPipe()) orgId: string,
    @Body(new ZodBodyPipe(sessionRequestSchema)) body: z.output<typeof sessionRequestSchema>,
    @Req() req: ServiceRequest,
  ): Promise<OrgReaderSession> {
    return this.sessions.obtainForOrgReader(orgId, body?.rejectedAccessToken, req.callerService);
  }

  /** Whether the org has a reader to read through: connected, and its last preflight (404 when the org has none). */
  @Get('orgs/:orgId/reader')
  async readerStatus(@Param('orgId', new OrgIdPipe()) orgId: string): Promise<OrgReaderStatus> {
    const reader = await this.readers.findByOrg(orgId);
    if (!reader)
      throw new NotFoundException({ error: 'ORG_READER_NOT_FOUND', message: `no reader for Salesforce org ${orgId}` });
    return toOrgReaderStatus(reader);
  }

  /**
   * The Salesforce calls a service made since its last report, per org (sfdc-ingest's reads, the
   * reconciler's writes); answers each org's allowance, which is how the services pause and resume.
   */
  @Post('salesforce-api-calls')
  @HttpCode(200)
  async reportApiCalls(
    @Body(new ZodBodyPipe(apiCallsReportSchema)) body: ApiCallsReportBody,
  ): Promise<{ orgs: OrgApiAllowance[] }> {
    return { orgs: await this.allocations.report(body.orgs) };
  }
}
