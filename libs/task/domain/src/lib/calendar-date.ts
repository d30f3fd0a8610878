/**
 * A calendar date, `YYYY-MM-DD`, with no time and no zone: Sales Connect's due date and
 * Salesforce's `ActivityDate`. Never a JS `Date`, so no time-zone conversion can move it a day.
 */
export type CalendarDate = string & { readonly __brand: 'CalendarDate' };

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ][month - 1];
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const match = PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Validates `YYYY-MM-DD` as a real date (no 2026-02-30); throws RangeError otherwise. */
export function parseCalendarDate(value: string): CalendarDate {
  if (!isCalendarDate(value)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  return value;
}

/** Day arithmetic on the calendar: UTC is used only as a zone-free day counter. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  const shifted = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` as CalendarDate;
}

/** `YYYY-MM-DD` sorts as text. */
export function compareCalendarDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function calendarDateAt(instantMs: number, timeZone: string): CalendarDate {
  // en-CA formats as YYYY-MM-DD.
  const text = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instantMs,
  );
  return parseCalendarDate(text);
}

/** R4. Tomorrow is the next calendar day, not now + 24 h (the wrong day around daylight-saving changes). */
export function todayAndTomorrow(instantMs: number, timeZone: string): { today: CalendarDate; tomorrow: CalendarDate } {
  const today = calendarDateAt(instantMs, timeZone);
  return { today, tomorrow: addDays(today, 1) };
}

export function isDueTodayOrTomorrow(dueDate: CalendarDate | null, instantMs: number, timeZone: string): boolean {
  if (dueDate === null) return false;
  const { today, tomorrow } = todayAndTomorrow(instantMs, timeZone);
  return dueDate === today || dueDate === tomorrow;
}
