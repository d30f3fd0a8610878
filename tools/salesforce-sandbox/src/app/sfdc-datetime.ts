/** Salesforce writes datetimes as `2026-11-24T10:00:00.000+0000`. */
export function formatSfdcDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses SOQL and REST datetimes (`…Z`, `…+0000`, `…+00:00`, optional milliseconds);
 * null when the text is not one.
 */
export function parseSfdcDateTime(text: string): number | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(1).padEnd(3, '0')) : 0;
  let utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (!isValidDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    utc -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return utc;
}

/** A calendar date `YYYY-MM-DD` that exists; kept as text so no time zone can shift it. */
export function isValidDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    date.getUTCFullYear() === Number(m[1]) &&
    date.getUTCMonth() === Number(m[2]) - 1 &&
    date.getUTCDate() === Number(m[3])
  );
}

/**
 * Salesforce stores datetimes in whole seconds (`…T12:00:31.000+0000`), so tasks written in one
 * second share a SystemModstamp: every stamp the sandbox stores goes through this.
 */
let wholeSeconds = true;

/**
 * `second` (the default) stores whole seconds as Salesforce does; `millisecond` keeps them, for a
 * product suite that does not yet converge under whole seconds (SALESFORCE_SANDBOX_STAMP_PRECISION).
 */
export function useStampPrecision(precision: 'second' | 'millisecond'): void {
  wholeSeconds = precision === 'second';
}

export function toWholeSecond(ms: number): number {
  return wholeSeconds ? ms - (((ms % 1000) + 1000) % 1000) : ms;
}

/** getUpdated and getDeleted ignore seconds: Salesforce works in whole minutes there. */
export function truncateToMinute(ms: number): number {
  return ms - (((ms % 60_000) + 60_000) % 60_000);
}

export const DAY_MS = 86_400_000;
