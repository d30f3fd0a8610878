import { addDays, FAR_FROM_UTC_ZONES, localDate, pickZoneNearMidnight, startOfDay, zoneOffsetMs } from './time-zones';

const HOUR = 3_600_000;

describe('the harness time-zone helpers', () => {
  it.each([
    ['Pacific/Auckland', '2026-11-24', '2026-11-23T11:00:00.000Z'], // NZDT, +13
    ['America/Los_Angeles', '2026-11-24', '2026-11-24T08:00:00.000Z'], // PST, -8
    ['America/Los_Angeles', '2026-03-08', '2026-03-08T08:00:00.000Z'], // the day DST starts (at 02:00)
    ['Asia/Kolkata', '2026-01-01', '2025-12-31T18:30:00.000Z'],
    ['UTC', '2026-02-28', '2026-02-28T00:00:00.000Z'],
  ])('startOfDay(%s, %s) is %s', (zone, date, expected) => {
    const start = startOfDay(date, zone);
    expect(new Date(start).toISOString()).toBe(expected);
    expect(localDate(start, zone)).toBe(date);
    expect(localDate(start - 1, zone)).toBe(addDays(date, -1));
  });

  it('zoneOffsetMs follows daylight saving', () => {
    expect(zoneOffsetMs(Date.parse('2026-07-01T00:00:00Z'), 'America/Los_Angeles')).toBe(-7 * HOUR);
    expect(zoneOffsetMs(Date.parse('2026-12-01T00:00:00Z'), 'America/Los_Angeles')).toBe(-8 * HOUR);
  });

  it('addDays crosses months, years and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('pickZoneNearMidnight finds a zone whose last midnight fits the window at every hour of a day', () => {
    const window = { minAgoMs: 10 * 60_000, maxAgoMs: 20 * HOUR };
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const now = Date.parse('2026-11-24T00:00:00Z') + minute * 60_000;
      const { zone, midnight } = pickZoneNearMidnight(now, FAR_FROM_UTC_ZONES, window);
      expect(now - midnight).toBeGreaterThanOrEqual(window.minAgoMs);
      expect(now - midnight).toBeLessThanOrEqual(window.maxAgoMs);
      expect(localDate(midnight, zone)).not.toBe(localDate(midnight - 1, zone));
    }
  });
});
