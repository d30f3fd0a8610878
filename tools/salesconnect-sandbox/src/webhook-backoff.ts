/** Delay before retry number `attempt` (1 = the first retry): base, 2×base, 4×base … capped at `maxMs`. */
export function computeRetryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
