// Calendar arithmetic for placing the sandboxes' clocks at a time zone's midnight (R4). Plain Intl:
// the harness must not share the product's date code, or a bug there would hide in both.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The calendar date (`YYYY-MM-DD`) on a wall clock in `zone` at an instant. */
export function localDate(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    ms,
  );
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** How far the wall clock in `zone` is ahead of UTC at an instant (ms; negative west of Greenwich). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(ms)
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(
    parts['year'],
    parts['month'] - 1,
    parts['day'],
    parts['hour'],
    parts['minute'],
    parts['second'],
  );
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant the calendar day `date` starts in `zone` (its first minute on the wall clock). */
export function startOfDay(date: string, zone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Two rounds settle the offset, also when midnight is near a daylight-saving change.
  let guess = wallMidnight - zoneOffsetMs(wallMidnight, zone);
  guess = wallMidnight - zoneOffsetMs(guess, zone);
  return guess;
}

/**
 * A zone whose most recent midnight lies between `minAgoMs` and `maxAgoMs` before `nowMs`, with
 * that midnight. Scenarios that import tasks written "just before midnight" need that instant in
 * the 24 hours before the enable, whatever the hour the suite runs at; the candidates are all far
 * from UTC, and their midnights are spread over the day, so one of them always fits.
 */
export function pickZoneNearMidnight(
  nowMs: number,
  candidates: readonly string[],
  window: { minAgoMs: number; maxAgoMs: number },
): { zone: string; midnight: number } {
  for (const zone of candidates) {
    const midnight = startOfDay(localDate(nowMs - window.minAgoMs, zone), zone);
    const ago = nowMs - midnight;
    if (ago >= window.minAgoMs && ago <= window.maxAgoMs) return { zone, midnight };
  }
  throw new Error(
    `none of ${candidates.join(', ')} had a midnight ${window.minAgoMs / MINUTE}–${window.maxAgoMs / MINUTE} minutes before ${new Date(nowMs).toISOString()}`,
  );
}

export const FAR_FROM_UTC_ZONES = [
  'Pacific/Auckland',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'Asia/Kolkata',
] as const;
export { DAY, MINUTE };
