import type { SettingsLag } from './settings-lag';

/** connector-settings' answer: every setting change stamped at or before `at` lies before `ends` on the settings topic. */
export interface SettingsWatermark {
  at: string;
  ends: { partition: number; offset: string; low: string }[];
}

export interface SettingsWatermarkSource {
  read(): Promise<SettingsWatermark>;
}

/** Reads the watermark from connector-settings' internal API (`GET /internal/v1/settings-watermark`). */
export class ConnectorSettingsWatermarkSource implements SettingsWatermarkSource {
  constructor(
    private readonly baseUrl: string,
    private readonly serviceToken: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async read(): Promise<SettingsWatermark> {
    const response = await fetch(new URL('/internal/v1/settings-watermark', this.baseUrl), {
      headers: { authorization: `Bearer ${this.serviceToken}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`connector-settings answered ${response.status} for the settings watermark`);
    return (await response.json()) as SettingsWatermark;
  }
}

/** After a failed ask, callers are told "not known" at once for this long: connector-settings is not hammered while down. */
const RETRY_AFTER_FAILURE_MS = 1_000;

/**
 * R7 exact: up to which instant this service's settings projection holds every setting change. A
 * change made at t is decided only once the view covers t; until then it waits, so a disable saved
 * just before it is never missed. One ask of connector-settings serves every waiting caller.
 */
export class SettingsView {
  private knownUpTo = 0;
  private inFlight?: Promise<void>;
  private failedAt = -Infinity;

  constructor(
    private readonly source: SettingsWatermarkSource,
    private readonly lag: Pick<SettingsLag, 'hasApplied'>,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The instant (ms) up to which every setting change is applied here, as far as this service knows. */
  get coveredUpTo(): number {
    return this.knownUpTo;
  }

  /** Whether the view covers `instantMs`, asking connector-settings when it is not known yet (at most twice). */
  async covers(instantMs: number): Promise<boolean> {
    // The second ask is for a caller that joined an ask begun before its change was made.
    for (let asks = 0; asks < 2 && instantMs > this.knownUpTo; asks++) {
      if (this.now() - this.failedAt < RETRY_AFTER_FAILURE_MS) return false;
      await this.refresh();
    }
    return instantMs <= this.knownUpTo;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.ask().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async ask(): Promise<void> {
    try {
      const watermark = await this.source.read();
      // Known only once this service's settings consumer has applied what the watermark counts.
      if (await this.lag.hasApplied(watermark.ends))
        this.knownUpTo = Math.max(this.knownUpTo, Date.parse(watermark.at));
    } catch (e) {
      this.failedAt = this.now();
      this.onError(e);
    }
  }
}
