import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import type { SalesforceSession } from '@task-sync/sfdc-client';
import { SalesforceSessionService } from './salesforce-session.service';
import { ServiceAuthGuard, type ServiceRequest } from './service-auth.guard';

const sessionRequestSchema = z
  .object({
    /** The access token Salesforce just answered INVALID_SESSION_ID to: hand out a new one. */
    rejectedAccessToken: z.string().min(1).optional(),
  })
  .strict()
  .optional();

/**
 * Service-to-service routes (sfdc-ingest, reconciler), not for browsers and not in the public API
 * document. Tokens travel only here, over HTTP inside the cluster, never on Kafka.
 */
@Controller('internal/v1')
@UseGuards(ServiceAuthGuard)
export class InternalController {
  constructor(@Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService) {}

  @Post('connections/:id/salesforce-session')
  @HttpCode(200)
  obtainSalesforceSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodBodyPipe(sessionRequestSchema)) body: z.output<typeof sessionRequestSchema>,
    @Req() req: ServiceRequest,
  ): Promise<SalesforceSession> {
    return this.sessions.obtain(id, body?.rejectedAccessToken, req.callerService);
  }
}
