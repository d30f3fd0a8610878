import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics.service';

/** `/health/live`: the process answers. `/health/ready`: its Kafka and PostgreSQL connections work. */
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ok' : 'unavailable', checks: report.checks });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
