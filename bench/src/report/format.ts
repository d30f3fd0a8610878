/** Number formats shared by the report, the console summary and the charts (locale-independent). */

/** `1234567.891, 2` → `1,234,567.89`. */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + grouped + (fraction === undefined ? '' : `.${fraction}`);
}

/** Whole numbers with thousands separators. */
export function formatInt(value: number): string {
  return formatNumber(value, 0);
}

/** A latency: `850 ms` under a second, `1.23 s` from a second up; `–` when there is none. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '–';
  const rounded = Math.round(ms);
  return rounded < 1000 ? `${rounded} ms` : `${formatNumber(ms / 1000, 2)} s`;
}

/** A ratio to two decimals (`0.42`, `1.75`); below 0.1 to two significant digits (`0.0053`), which two decimals would flatten to 0.01. */
export function formatRatio(ratio: number): string {
  if (ratio !== 0 && Math.abs(ratio) < 0.1) return ratio.toPrecision(2);
  return formatNumber(ratio, 2);
}
