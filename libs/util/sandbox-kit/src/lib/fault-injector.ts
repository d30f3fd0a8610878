/**
 * Faults a sandbox can be told to inject. `shares` are named probabilities in [0, 1] that a
 * sandbox defines for itself (e.g. `http5xx`, `unableToLockRow`, `dropWebhook`); draws come from a
 * seeded generator so a failing test can be replayed with the same seed.
 */
export interface FaultSettings {
  latencyMs: number;
  shares: Record<string, number>;
  seed: number;
}

export class FaultInjector {
  private settings: FaultSettings = { latencyMs: 0, shares: {}, seed: 1 };
  private state = 1;

  configure(update: Partial<FaultSettings>): FaultSettings {
    const shares = { ...this.settings.shares, ...(update.shares ?? {}) };
    for (const [name, share] of Object.entries(shares)) {
      if (!(share >= 0 && share <= 1)) throw new RangeError(`fault share ${name} must be between 0 and 1`);
    }
    if (update.latencyMs !== undefined && !(update.latencyMs >= 0)) throw new RangeError('latencyMs must be >= 0');
    this.settings = {
      latencyMs: update.latencyMs ?? this.settings.latencyMs,
      shares,
      seed: update.seed ?? this.settings.seed,
    };
    if (update.seed !== undefined) this.state = update.seed >>> 0 || 1;
    return this.current();
  }

  current(): FaultSettings {
    return { ...this.settings, shares: { ...this.settings.shares } };
  }

  reset(): void {
    this.settings = { latencyMs: 0, shares: {}, seed: 1 };
    this.state = 1;
  }

  /** True with the configured probability for `name` (0 when never configured). */
  shouldInject(name: string): boolean {
    const share = this.settings.shares[name] ?? 0;
    if (share <= 0) return false;
    if (share >= 1) return true;
    return this.random() < share;
  }

  async delay(): Promise<void> {
    if (this.settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.settings.latencyMs));
  }

  // xorshift32: small, seeded, good enough to spread faults.
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }
}
