/**
 * The one source of "now" in a sandbox, so tests can make a task modified 25 hours ago or
 * deleted 16 days ago. Time runs with the real clock plus an offset, or stands still when frozen.
 */
export class SandboxClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  /** Jumps to an instant; time keeps running from there unless `frozen`. */
  set(instant: Date, options: { frozen?: boolean } = {}): void {
    if (Number.isNaN(instant.getTime())) throw new RangeError('invalid instant');
    if (options.frozen) {
      this.frozenAt = instant.getTime();
    } else {
      this.frozenAt = null;
      this.offsetMs = instant.getTime() - this.realNow();
    }
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('invalid duration');
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** Back to the real clock. */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }

  describe(): { now: string; frozen: boolean; offsetMs: number } {
    return {
      now: this.now().toISOString(),
      frozen: this.frozenAt !== null,
      offsetMs: this.frozenAt === null ? this.offsetMs : this.frozenAt - this.realNow(),
    };
  }
}
