import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Req,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ConnectionPreflightService } from '../connection-preflight/connection-preflight.service';
import type {
  ConnectionSetupView,
  ConnectionStatusView,
  ConnectionView,
  TaskSyncView,
} from '@task-sync/contracts/http';
import { toSetupView } from '../connection-preflight/connection-preflight.view';
import { SalesforceConnectService } from '../salesforce/salesforce-connect.service';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { SaveTaskSyncBody, saveTaskSyncBodySchema } from './api.schemas';
import { ConnectionsService } from './connections.service';

/** The settings page's API, version 1. Every route needs the user's Bearer JWT. */
@Controller('v1/connections')
@UseGuards(AuthGuard)
export class ConnectionsController {
  constructor(
    @Inject(ConnectionsService) private readonly connections: ConnectionsService,
    @Inject(SalesforceConnectService) private readonly salesforce: SalesforceConnectService,
    @Inject(ConnectionPreflightService) private readonly preflight: ConnectionPreflightService,
  ) {}

  @Get()
  async list(@Req() req: AuthenticatedRequest): Promise<{ items: ConnectionView[] }> {
    return { items: await this.connections.list(req.principal) };
  }

  @Get(':id')
  get(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<ConnectionView> {
    return this.connections.get(req.principal, id);
  }

  @Get(':id/task-sync')
  async getTaskSync(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<TaskSyncView> {
    return (await this.connections.get(req.principal, id)).taskSync;
  }

  @Get(':id/status')
  status(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<ConnectionStatusView> {
    return this.connections.getStatus(req.principal, id);
  }

  /** "Check again": a passing preflight resumes a paused connection. */
  @Post(':id/preflight')
  @HttpCode(200)
  async checkAgain(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<ConnectionSetupView> {
    const connection = await this.connections.getOwned(req.principal, id);
    const setup = toSetupView(await this.preflight.checkNow(connection.id));
    if (!setup)
      throw new ServiceUnavailableException({
        error: 'PREFLIGHT_INCONCLUSIVE',
        message: 'Salesforce did not answer the check; try again in a minute',
      });
    return setup;
  }

  /** The Save button: sync starts (or stops) at once (R1). */
  @Put(':id/task-sync')
  saveTaskSync(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(saveTaskSyncBodySchema)) body: SaveTaskSyncBody,
  ) {
    return this.connections.saveTaskSync(req.principal, id, body.enabled);
  }

  @Delete(':id')
  @HttpCode(204)
  async disconnect(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<void> {
    await this.salesforce.disconnect(await this.connections.getOwned(req.principal, id));
  }
}
