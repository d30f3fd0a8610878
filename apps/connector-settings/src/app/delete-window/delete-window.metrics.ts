import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { decideDeleteWindow, deleteWindowClosesInSeconds } from '@task-sync/sync-rules';
import { APP_CONFIG, BackgroundLoop, MetricsService } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { DeleteWindowRepository, type DisabledConnection } from './delete-window.repository';

/** A scrape waits this long at most for fresh rows; past it, it answers from the last ones. */
const SCRAPE_REFRESH_TIMEOUT_MS = 2_000;
/** A scrape reads the rows again when the last read is older than this. */
const SCRAPE_FRESH_MS = 1_000;

/**
 * The R5 watchdog as Prometheus gauges. A scrape's read is bounded, so a slow database never holds a
 * scrape; the values are computed at the scrape.
 */
@Injectable()
export class DeleteWindowMetrics implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('delete-window');
  private readonly loop: BackgroundLoop;
  private rows: DisabledConnection[] = [];
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    @Inject(DeleteWindowRepository) private readonly repository: DeleteWindowRepository,
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(APP_CONFIG) config: Pick<ConnectorSettingsConfig, 'DELETE_WINDOW_METRICS_REFRESH_SECONDS'>,
  ) {
    this.loop = new BackgroundLoop(
      'delete-window metrics',
      this.logger,
      async () => (await this.refresh(), false),
      config.DELETE_WINDOW_METRICS_REFRESH_SECONDS * 1000,
    );
    const windows = this.windowsAt.bind(this);
    const refreshForScrape = this.refreshForScrape.bind(this);
    new Gauge({
      name: 'tasksync_settings_delete_window_closes_in_seconds',
      help: "R5: seconds until a disabled connection's delete window closes (15 days after the disable); negative once closed. Disabled connections that synced before only.",
      labelNames: ['connection_id'],
      registers: [metrics.registry],
      async collect() {
        await refreshForScrape();
        this.reset();
        for (const w of windows(Date.now())) this.set({ connection_id: w.connectionId }, w.closesInSeconds);
      },
    });
    new Gauge({
      name: 'tasksync_settings_delete_window_warnings',
      help: 'R5: disabled connections whose delete window closes within 3 days or has closed (the settings page warns them).',
      registers: [metrics.registry],
      async collect() {
        await refreshForScrape();
        this.set(windows(Date.now()).filter((w) => w.warning).length);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private windowsAt(now: number): { connectionId: string; closesInSeconds: number; warning: boolean }[] {
    return this.rows.flatMap((r) => {
      const window = decideDeleteWindow({ enabled: false, firstEnabledAt: 0, disabledAt: r.disabledAt.getTime() }, now);
      return window
        ? [
            {
              connectionId: r.connectionId,
              closesInSeconds: deleteWindowClosesInSeconds(window, now),
              warning: window.warning,
            },
          ]
        : [];
    });
  }

  /** One read at a time; both gauges of a scrape share it. */
  private refresh(): Promise<void> {
    this.reading ??= this.repository
      .listDisabledSynced()
      .then((rows) => {
        this.rows = rows;
        this.readAt = Date.now();
      })
      .finally(() => (this.reading = null));
    return this.reading;
  }

  private async refreshForScrape(): Promise<void> {
    if (Date.now() - this.readAt < SCRAPE_FRESH_MS) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SCRAPE_REFRESH_TIMEOUT_MS)));
    try {
      await Promise.race([this.refresh(), late]);
    } catch (e) {
      this.logger.warn(
        `the delete windows were not read for this scrape (${(e as Error).message}); answering from the last read`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
