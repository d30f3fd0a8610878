import fc from 'fast-check';
import {
  addDays,
  calendarDateAt,
  CalendarDate,
  compareCalendarDates,
  isCalendarDate,
  isDueTodayOrTomorrow,
  parseCalendarDate,
  todayAndTomorrow,
} from './calendar-date';

const ZONES = [
  'UTC',
  'Pacific/Auckland',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/Lisbon',
  'Asia/Kolkata',
  'Asia/Kathmandu',
];
/** The process zones the date suite runs under: the date logic must not depend on them. */
const PROCESS_ZONES = ['UTC', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kathmandu'];

function underProcessZone<T>(zone: string, run: () => T): T {
  // eslint-disable-next-line no-restricted-properties -- the point of this suite is to vary the process zone
  const env = process.env;
  const previous = env['TZ'];
  env['TZ'] = zone; // Node re-reads TZ when it changes
  try {
    return run();
  } finally {
    env['TZ'] = previous;
  }
}

const dateArb = fc
  .date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10) as CalendarDate);
const instantArb = fc.integer({ min: Date.parse('1971-01-01T00:00:00Z'), max: Date.parse('2099-12-31T00:00:00Z') });

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-11-24T00:00:00Z', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
  ])('%s is a calendar date: %s', (text, valid) => {
    expect(isCalendarDate(text)).toBe(valid);
  });

  it('names the bad value', () => {
    expect(() => parseCalendarDate('2026-02-30')).toThrow('"2026-02-30"');
  });

  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-03-29', -29, '2026-02-28'],
    ['2026-11-01', 0, '2026-11-01'],
  ])('%s + %i days = %s', (from, days, to) => {
    expect(addDays(from as CalendarDate, days)).toBe(to);
  });

  it('day arithmetic is reversible and keeps the order, in every process zone', () => {
    for (const zone of PROCESS_ZONES) {
      underProcessZone(zone, () =>
        fc.assert(
          fc.property(dateArb, fc.integer({ min: -5000, max: 5000 }), (date, days) => {
            const moved = addDays(date, days);
            expect(isCalendarDate(moved)).toBe(true);
            expect(addDays(moved, -days)).toBe(date);
            expect(Math.sign(compareCalendarDates(moved, date))).toBe(Math.sign(days));
          }),
        ),
      );
    }
  });
});

describe('R4: today and tomorrow in the user zone', () => {
  it.each([
    // 23:30 local on 2026-11-24 in Auckland (NZDT, UTC+13) is 10:30 UTC.
    ['2026-11-24T10:30:00Z', 'Pacific/Auckland', '2026-11-24', '2026-11-25'],
    // 23:30 local on 2026-11-24 in Los Angeles (PST, UTC-8) is 07:30 UTC on the 25th.
    ['2026-11-25T07:30:00Z', 'America/Los_Angeles', '2026-11-24', '2026-11-25'],
    // Half an hour later the day has turned in each zone.
    ['2026-11-24T11:30:00Z', 'Pacific/Auckland', '2026-11-25', '2026-11-26'],
    ['2026-11-25T08:30:00Z', 'America/Los_Angeles', '2026-11-25', '2026-11-26'],
    // Los Angeles leaves daylight saving on 2026-11-01 at 02:00: that day has 25 hours.
    ['2026-11-01T07:30:00Z', 'America/Los_Angeles', '2026-11-01', '2026-11-02'],
    ['2026-11-02T07:30:00Z', 'America/Los_Angeles', '2026-11-01', '2026-11-02'],
    // Lisbon starts daylight saving on 2027-03-28: 23:30 WEST that day is 22:30 UTC.
    ['2027-03-28T22:30:00Z', 'Europe/Lisbon', '2027-03-28', '2027-03-29'],
    // Kiritimati is UTC+14: already the next day when UTC is at noon.
    ['2026-11-24T12:00:00Z', 'Pacific/Kiritimati', '2026-11-25', '2026-11-26'],
  ])('at %s in %s, today is %s and tomorrow %s', (instant, zone, today, tomorrow) => {
    expect(todayAndTomorrow(Date.parse(instant), zone)).toEqual({ today, tomorrow });
  });

  it('tomorrow is always the next calendar day of the local date, whatever the process zone', () => {
    const reference = (instant: number, zone: string) => todayAndTomorrow(instant, zone);
    fc.assert(
      fc.property(instantArb, fc.constantFrom(...ZONES), (instant, zone) => {
        const expected = reference(instant, zone);
        expect(expected.today).toBe(calendarDateAt(instant, zone));
        expect(expected.tomorrow).toBe(addDays(expected.today, 1));
        for (const processZone of PROCESS_ZONES) {
          expect(underProcessZone(processZone, () => todayAndTomorrow(instant, zone))).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a task is listed only when due today or tomorrow; a task without a due date never is', () => {
    const instant = Date.parse('2026-11-24T10:30:00Z');
    const zone = 'Pacific/Auckland';
    expect(isDueTodayOrTomorrow('2026-11-24' as CalendarDate, instant, zone)).toBe(true);
    expect(isDueTodayOrTomorrow('2026-11-25' as CalendarDate, instant, zone)).toBe(true);
    expect(isDueTodayOrTomorrow('2026-11-23' as CalendarDate, instant, zone)).toBe(false);
    expect(isDueTodayOrTomorrow('2026-11-26' as CalendarDate, instant, zone)).toBe(false);
    expect(isDueTodayOrTomorrow(null, instant, zone)).toBe(false);
  });
});
