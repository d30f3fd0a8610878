import { Controller, Get, HttpCode, HttpException, Inject, Logger, Param, Post, UseGuards } from '@nestjs/common';
import { OperatorTokenGuard } from './operator-token.guard';
import { DriftRepairBusyError, DriftRepairService } from './drift-repair.service';
import type { DriftRepairReport } from './drift-repair-run.repository';

/** Internal: the reconciler's own port has no Ingress (like /metrics); a pass is bounded and idempotent. */
@Controller('internal/connections/:connectionId')
@UseGuards(OperatorTokenGuard)
export class DriftRepairController {
  private readonly logger = new Logger('drift');

  constructor(@Inject(DriftRepairService) private readonly repair: DriftRepairService) {}

  /** Runs the connection's pass now and answers its report once it has finished (its writes are then queued). */
  @Post('repair')
  @HttpCode(200)
  async runPass(@Param('connectionId') connectionId: string): Promise<DriftRepairReport> {
    try {
      return await this.repair.runPass(connectionId, 'on-demand');
    } catch (e) {
      if (e instanceof DriftRepairBusyError)
        throw new HttpException({ error: 'DRIFT_REPAIR_RUNNING', message: e.message }, 409);
      this.logger.error(`connection ${connectionId}: the drift repair pass could not run: ${(e as Error).stack ?? e}`);
      throw e;
    }
  }

  @Get('repair-runs')
  async listRuns(@Param('connectionId') connectionId: string): Promise<{ items: DriftRepairReport[] }> {
    return { items: await this.repair.listRuns(connectionId) };
  }
}
