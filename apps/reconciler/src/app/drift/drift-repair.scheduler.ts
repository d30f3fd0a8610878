import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, BackgroundLoop } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import { DriftRepairRunRepository } from './drift-repair-run.repository';
import { DriftRepairBusyError, DriftRepairService } from './drift-repair.service';

/** Also once soon after a re-enable (R7: pairs edited while sync was off). */
@Injectable()
export class DriftRepairScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('drift');
  private readonly loop: BackgroundLoop;
  private readonly runs: DriftRepairRunRepository;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(DriftRepairService) private readonly repair: DriftRepairService,
  ) {
    this.runs = new DriftRepairRunRepository(dataSource);
    this.loop = new BackgroundLoop('drift repair', this.logger, () => this.round(), config.DRIFT_REPAIR_TICK_MS);
  }

  onApplicationBootstrap(): void {
    if (this.config.DRIFT_REPAIR_INTERVAL_MS > 0) this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** The most overdue connection's pass; true (look again at once) when one ran. */
  private async round(): Promise<boolean> {
    const [due] = await this.runs.listDueConnections(
      this.config.DRIFT_REPAIR_INTERVAL_MS,
      this.config.DRIFT_REPAIR_SETTLE_MS,
      1,
    );
    if (!due) return false;
    try {
      await this.repair.runPass(due.connectionId, due.trigger);
    } catch (e) {
      // Another replica runs it: not due here any more once its run row is written.
      if (!(e instanceof DriftRepairBusyError)) throw e;
      return false;
    }
    return true;
  }
}
