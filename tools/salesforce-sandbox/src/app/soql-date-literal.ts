import { DAY_MS } from './sfdc-datetime';
import { SfdcError } from './sfdc-error';

/** A half-open range [start, end): instants for datetime fields, day numbers for date fields. */
export interface DateRange {
  start: number;
  end: number;
}

/** What a relative date literal stands for: calendar days of the user's zone, and their instants. */
export interface ResolvedDateLiteral {
  /** Days since 1970-01-01 of the user's calendar, for date fields (ActivityDate). */
  days: DateRange;
  /** The instants those days begin and end at in the user's zone, for datetime fields. */
  instants: DateRange;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A TimeZoneSidKey the sandbox can compute with (Salesforce's keys are IANA zone names). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time an instant shows in a zone, read back as if it were UTC. */
function wallClock(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The user's calendar day (days since 1970-01-01) an instant falls on. */
export function localDayOf(ms: number, timeZone: string): number {
  return Math.floor(wallClock(ms, timeZone) / DAY_MS);
}

/** The first instant of a calendar day in a zone (its midnight, or the DST jump that skips it). */
export function startOfLocalDay(day: number, timeZone: string): number {
  const midnight = day * DAY_MS;
  let t = midnight;
  for (let i = 0; i < 3; i++) t = midnight - (wallClock(t, timeZone) - t);
  // A zone that skips midnight (DST at 00:00) starts the day at the jump: step to it.
  while (localDayOf(t, timeZone) < day) t += 15 * 60_000;
  while (localDayOf(t - 1000, timeZone) >= day) t -= 15 * 60_000;
  return t;
}

/**
 * TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n and N_DAYS_AGO:n as Salesforce
 * resolves them: in the running user's time zone (User.TimeZoneSidKey), so "today" for a rep in
 * Los Angeles ends at 08:00 UTC. LAST_N_DAYS:n includes today; NEXT_N_DAYS:n starts tomorrow.
 */
export function resolveDateLiteral(literal: string, nowMs: number, timeZone = 'UTC'): ResolvedDateLiteral {
  const today = localDayOf(nowMs, timeZone);
  const [name, nText] = literal.toUpperCase().split(':');
  const n = Number(nText ?? 0);
  let days: DateRange;
  switch (name) {
    case 'TODAY':
      days = { start: today, end: today + 1 };
      break;
    case 'YESTERDAY':
      days = { start: today - 1, end: today };
      break;
    case 'TOMORROW':
      days = { start: today + 1, end: today + 2 };
      break;
    case 'LAST_N_DAYS':
      days = { start: today - n, end: today + 1 };
      break;
    case 'NEXT_N_DAYS':
      days = { start: today + 1, end: today + n + 1 };
      break;
    case 'N_DAYS_AGO':
      days = { start: today - n, end: today - n + 1 };
      break;
    default:
      throw new SfdcError(
        400,
        'MALFORMED_QUERY',
        `date literal ${literal} is not supported by the sandbox (TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n, N_DAYS_AGO:n are)`,
      );
  }
  return { days, instants: { start: startOfLocalDay(days.start, timeZone), end: startOfLocalDay(days.end, timeZone) } };
}

/** How an operator reads a range: `=` means inside it, `<` before its start, `>` from its end on. */
export function rangeTest(operator: string, range: DateRange): (value: number) => boolean {
  switch (operator) {
    case '=':
      return (v) => v >= range.start && v < range.end;
    case '!=':
      return (v) => v < range.start || v >= range.end;
    case '<':
      return (v) => v < range.start;
    case '<=':
      return (v) => v < range.end;
    case '>':
      return (v) => v >= range.end;
    case '>=':
      return (v) => v >= range.start;
    default:
      throw new SfdcError(400, 'MALFORMED_QUERY', `operator ${operator} cannot take a date literal`);
  }
}
