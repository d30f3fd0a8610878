import type { Logger } from '@nestjs/common';
import { SalesforceOrgProbe } from '@task-sync/sfdc-client';
import { BackgroundLoop } from '@task-sync/util-nest';

export type ProbeSession = { instanceUrl: string; accessToken: string };

/** Builds a preflight's questions for one Salesforce session (SalesforceOrgProbe; a fake in unit specs). */
export type ChecksFactory<C> = (
  session: ProbeSession,
  renew: (rejected: string | undefined) => Promise<ProbeSession>,
) => C;

export const salesforceChecks =
  (apiVersion: string): ChecksFactory<SalesforceOrgProbe> =>
  (session, renew) =>
    new SalesforceOrgProbe(session, { apiVersion, renewSession: renew });

/** Holders checked per round; a round with a full batch runs again at once. */
const BATCH = 10;
/** How long a holder whose check came back inconclusive waits before the loop tries it again. */
const RETRY_INCONCLUSIVE_MS = 5 * 60_000;
/** The loop wakes this often, so a shutdown never waits long for it; it looks for due holders less often. */
const WAKE_MS = 1000;

/** What a preflight schedule checks: the holders (org readers, connections) whose last check is older than a time. */
export interface PreflightSource<T> {
  listDue(checkedBefore: Date, limit: number): Promise<T[]>;
  keyOf(item: T): string;
  check(item: T): Promise<void>;
}

/** An inconclusive holder's wait is this replica's only. */
export class PreflightSchedule<T> {
  private readonly loop: BackgroundLoop;
  private readonly scanEveryMs: number;
  private lastScanAt = 0;
  private readonly waiting = new Map<string, number>();

  constructor(
    name: string,
    logger: Logger,
    private readonly intervalMs: number,
    private readonly source: PreflightSource<T>,
  ) {
    this.scanEveryMs = Math.min(intervalMs, 60_000);
    this.loop = new BackgroundLoop(name, logger, () => this.tick(), WAKE_MS);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  inconclusive(key: string): void {
    this.waiting.set(key, Date.now() + RETRY_INCONCLUSIVE_MS);
  }

  conclusive(key: string): void {
    this.waiting.delete(key);
  }

  private async tick(now = Date.now()): Promise<boolean> {
    if (now - this.lastScanAt < this.scanEveryMs) return false;
    this.lastScanAt = now;
    const more = await this.round(now);
    // More due than a batch: look again at once.
    if (more) this.lastScanAt = 0;
    return more;
  }

  /** True when there may be more. */
  async round(now = Date.now()): Promise<boolean> {
    const due = (await this.source.listDue(new Date(now - this.intervalMs), BATCH + this.waiting.size)).filter(
      (item) => (this.waiting.get(this.source.keyOf(item)) ?? 0) <= now,
    );
    for (const item of due.slice(0, BATCH)) await this.source.check(item);
    return due.length > BATCH;
  }
}
