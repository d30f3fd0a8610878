import type { LatencySummary } from './results';

/** One bucket of a count over time: events whose time falls in [atMs, atMs + bucketMs). */
export interface TimeBucket {
  atMs: number;
  count: number;
}

/**
 * Nearest-rank percentile of ascending values: the smallest value with at least p % of the values
 * at or below it. p is 0..100; p = 0 gives the smallest value. null when there are no values.
 */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (!Number.isFinite(p) || p < 0 || p > 100) {
    throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  }
  if (sortedValues.length === 0) return null;
  // p * n / 100 rather than p / 100 * n: 7 / 100 * 100 is 7.000000000000001, which would round up.
  const rank = Math.max(1, Math.ceil((p * sortedValues.length) / 100));
  return sortedValues[rank - 1];
}

/** p50/p95/p99/max of the latencies that arrived, out of `made` changes; percentiles null when none arrived. */
export function summarizeLatency(made: number, latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    made,
    arrived: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length === 0 ? null : sorted[sorted.length - 1],
  };
}

/** Empty buckets included, so a line over them shows stalls as zeros. `count` is per bucket. */
export function perSecond(timesMs: readonly number[], bucketMs = 1000): TimeBucket[] {
  if (!(bucketMs > 0)) throw new RangeError(`perSecond: bucketMs must be positive, got ${bucketMs}`);
  if (timesMs.length === 0) return [];
  const indexes = timesMs.map((t) => Math.floor(t / bucketMs));
  // A loop, not Math.min(...indexes): a spread of 100,000+ arguments overflows the stack.
  let first = 0;
  let last = 0;
  for (const index of indexes) {
    if (index < first) first = index;
    if (index > last) last = index;
  }
  const counts = new Array<number>(last - first + 1).fill(0);
  for (const index of indexes) counts[index - first] += 1;
  return counts.map((count, i) => ({ atMs: (first + i) * bucketMs, count }));
}
