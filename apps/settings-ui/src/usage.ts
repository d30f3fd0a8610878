import type { ApiUsage24h } from './api/types';

export interface UsageRow {
  /** The bucket's start as a short local time (the chart's label and the table's row header). */
  label: string;
  start: string;
  calls: number;
}

const hourMinute = (iso: string): string =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** The 24 h usage as chart rows, oldest first (the API fills empty buckets with 0). */
export function usageRows(u: Pick<ApiUsage24h, 'buckets'>, label = hourMinute): UsageRow[] {
  return u.buckets.map((b) => ({ label: label(b.start), start: b.start, calls: b.calls }));
}

/** One sentence for the chart's text alternative: the total against the allocation, and the busiest bucket. */
export function summarizeUsage(u: Pick<ApiUsage24h, 'used' | 'allocated' | 'buckets'>, label = hourMinute): string {
  const of =
    u.allocated === null
      ? 'no allocation set'
      : `${u.allocated} allocated (${Math.round((u.used / Math.max(1, u.allocated)) * 100)}%)`;
  const peak = u.buckets.reduce<{ start: string; calls: number } | null>(
    (best, b) => (best === null || b.calls > best.calls ? b : best),
    null,
  );
  return `${u.used} calls in the last 24 hours, ${of}.${peak && peak.calls > 0 ? ` Busiest: ${peak.calls} calls from ${label(peak.start)}.` : ''}`;
}
