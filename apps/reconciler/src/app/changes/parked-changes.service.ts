import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ReconcileChangeService } from './reconcile-change.service';

const INTERVAL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Decides parked changes as soon as their connection's setting is known here. */
@Injectable()
export class ParkedChangesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('parked');
  private running = false;
  private loop?: Promise<void>;

  constructor(@Inject(ReconcileChangeService) private readonly reconcile: ReconcileChangeService) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const released = await this.reconcile.releaseParked();
          if (released > 0) this.logger.log(`decided ${released} parked changes`);
        } catch (e) {
          this.logger.error(`releasing parked changes failed: ${(e as Error).stack ?? e}`);
        }
        await sleep(INTERVAL_MS);
      }
    })();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
