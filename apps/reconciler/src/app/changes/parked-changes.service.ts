import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoop } from '@task-sync/util-nest';
import { ReconcileChangeService } from './reconcile-change.service';

const INTERVAL_MS = 250;

/** Decides parked changes as soon as their connection's setting is known here, and deletions once the create they wait for landed. */
@Injectable()
export class ParkedChangesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('parked');
  private readonly loop: BackgroundLoop;

  constructor(@Inject(ReconcileChangeService) reconcile: ReconcileChangeService) {
    this.loop = new BackgroundLoop(
      'parked changes',
      this.logger,
      async () => {
        const released = await reconcile.releaseParked();
        if (released > 0) this.logger.log(`decided ${released} parked changes`);
        const deletions = await reconcile.releaseDeletionsAwaitingCreate();
        if (deletions > 0)
          this.logger.log(`decided again ${deletions} deletions that waited for the sync's own create`);
        return false; // both wait on other work (settings, a write round): no hurry to look again
      },
      INTERVAL_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }
}
