import { bucketStartOf } from './api-allowance';

/** One bucket of the sync's calls in an org: its start (ISO) and the calls counted in it. */
export interface UsageBucket {
  start: string;
  calls: number;
}

/** 0 where no calls were stored, so a chart of the window has no gaps. */
export function fillUsageBuckets(
  stored: readonly { start: Date; calls: number }[],
  sinceMs: number,
  untilMs: number,
  bucketMs: number,
): UsageBucket[] {
  const calls = new Map(stored.map((b) => [b.start.getTime(), b.calls]));
  const buckets: UsageBucket[] = [];
  for (let start = bucketStartOf(sinceMs, bucketMs); start <= untilMs; start += bucketMs) {
    buckets.push({ start: new Date(start).toISOString(), calls: calls.get(start) ?? 0 });
  }
  return buckets;
}
