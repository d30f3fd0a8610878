import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, BackgroundLoop } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import { TaskActivityRepository } from './task-activity.repository';

/** Any replica may run it: the deletes are idempotent. */
@Injectable()
export class TaskActivityPruneScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('task-activity');
  private readonly loop: BackgroundLoop;

  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(APP_CONFIG) config: ReconcilerConfig) {
    const repository = new TaskActivityRepository(dataSource);
    this.loop = new BackgroundLoop(
      'task activity prune',
      this.logger,
      async () => {
        const pruned = await repository.prune(config.TASK_ACTIVITY_RETENTION_DAYS);
        if (pruned > 0)
          this.logger.log(`${pruned} timeline events older than ${config.TASK_ACTIVITY_RETENTION_DAYS} days deleted`);
        return false;
      },
      config.TASK_ACTIVITY_PRUNE_EVERY_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }
}
