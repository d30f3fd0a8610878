import { Controller, Get, Inject, Param, Req, UseGuards } from '@nestjs/common';
import { ConnectionAccess } from '../admin/connection-access';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { ImportPreviewService } from './import-preview.service';
import type { ImportPreviewView } from '@task-sync/contracts/http';

@Controller('v1/connections')
@UseGuards(AuthGuard)
export class ImportPreviewController {
  constructor(
    @Inject(ConnectionAccess) private readonly access: ConnectionAccess,
    @Inject(ImportPreviewService) private readonly previews: ImportPreviewService,
  ) {}

  /** What the enable would import now (R2), before the first Save. */
  @Get(':id/import-preview')
  async preview(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<ImportPreviewView> {
    return this.previews.preview(await this.access.findVisible(req.principal, id));
  }
}
