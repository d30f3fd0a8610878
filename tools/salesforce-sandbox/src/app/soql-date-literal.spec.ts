import { localDayOf, resolveDateLiteral, startOfLocalDay } from './soql-date-literal';

const iso = (ms: number) => new Date(ms).toISOString();
const day = (text: string) => Date.parse(`${text}T00:00:00Z`) / 86_400_000;

describe("relative date literals in the user's time zone", () => {
  it.each([
    ['TODAY', 'America/Los_Angeles', '2026-11-24T08:00:00.000Z', '2026-11-25T08:00:00.000Z'],
    ['TODAY', 'Europe/Berlin', '2026-11-23T23:00:00.000Z', '2026-11-24T23:00:00.000Z'],
    ['TODAY', 'UTC', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z'],
    ['YESTERDAY', 'Asia/Kolkata', '2026-11-22T18:30:00.000Z', '2026-11-23T18:30:00.000Z'],
    ['TOMORROW', 'America/Los_Angeles', '2026-11-25T08:00:00.000Z', '2026-11-26T08:00:00.000Z'],
    ['LAST_N_DAYS:2', 'UTC', '2026-11-22T00:00:00.000Z', '2026-11-25T00:00:00.000Z'],
    ['NEXT_N_DAYS:2', 'UTC', '2026-11-25T00:00:00.000Z', '2026-11-27T00:00:00.000Z'],
    ['N_DAYS_AGO:3', 'UTC', '2026-11-21T00:00:00.000Z', '2026-11-22T00:00:00.000Z'],
  ])('%s in %s at 2026-11-24T12:00Z runs from %s to %s', (literal, zone, start, end) => {
    const { instants } = resolveDateLiteral(literal, Date.parse('2026-11-24T12:00:00Z'), zone);
    expect([iso(instants.start), iso(instants.end)]).toEqual([start, end]);
  });

  it('a day across a DST change is 23 or 25 hours long', () => {
    // Berlin leaves summer time on 2026-10-25: that day has 25 hours.
    const start = startOfLocalDay(day('2026-10-25'), 'Europe/Berlin');
    expect(iso(start)).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfLocalDay(day('2026-10-26'), 'Europe/Berlin') - start).toBe(25 * 3_600_000);
    // Los Angeles starts summer time on 2026-03-08: 23 hours.
    expect(
      startOfLocalDay(day('2026-03-09'), 'America/Los_Angeles') -
        startOfLocalDay(day('2026-03-08'), 'America/Los_Angeles'),
    ).toBe(23 * 3_600_000);
  });

  it('a zone whose DST jump skips midnight starts the day at the jump', () => {
    // America/Santiago moves from 00:00 to 01:00 on 2026-09-06.
    const start = startOfLocalDay(day('2026-09-06'), 'America/Santiago');
    expect(localDayOf(start, 'America/Santiago')).toBe(day('2026-09-06'));
    expect(localDayOf(start - 1000, 'America/Santiago')).toBe(day('2026-09-05'));
  });

  it("date fields compare as the user's calendar days", () => {
    expect(resolveDateLiteral('TODAY', Date.parse('2026-11-24T23:30:00Z'), 'Asia/Tokyo').days).toEqual({
      start: day('2026-11-25'),
      end: day('2026-11-26'),
    });
  });
});
