import type { Logger } from '@nestjs/common';

/**
 * A service's own work loop (a scheduler, a write flusher): runs `round` again at once while it
 * reports work done, else after `idleMs`; a failed round is logged and the loop goes on. `stop()`
 * lets the round in flight finish (SIGTERM: what it did is committed), then nothing new starts;
 * an idle wait is cut short, so a long `idleMs` does not lengthen a shutdown.
 */
export class BackgroundLoop {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** When the last round ended (a readiness check can tell a stuck loop). */
  lastRoundAt = 0;

  constructor(
    private readonly name: string,
    private readonly logger: Pick<Logger, 'error'>,
    private readonly round: () => Promise<boolean>,
    private readonly idleMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.lastRoundAt = Date.now();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.round();
      } catch (e) {
        this.logger.error(`${this.name} round failed: ${(e as Error).stack ?? e}`);
      }
      this.lastRoundAt = Date.now();
      if (!busy && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.idleMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
