import { DAY_MS } from './sfdc-datetime';
import { SfdcError } from './sfdc-error';

/** A half-open range of instants [start, end) that a relative date literal stands for. */
export interface DateRange {
  start: number;
  end: number;
}

/**
 * TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n and N_DAYS_AGO:n as Salesforce
 * resolves them, in UTC (the sandbox's orgs all use UTC for this). LAST_N_DAYS:n includes today.
 */
export function resolveDateLiteral(literal: string, nowMs: number): DateRange {
  const today = nowMs - (((nowMs % DAY_MS) + DAY_MS) % DAY_MS);
  const [name, nText] = literal.toUpperCase().split(':');
  const n = Number(nText ?? 0);
  switch (name) {
    case 'TODAY':
      return { start: today, end: today + DAY_MS };
    case 'YESTERDAY':
      return { start: today - DAY_MS, end: today };
    case 'TOMORROW':
      return { start: today + DAY_MS, end: today + 2 * DAY_MS };
    case 'LAST_N_DAYS':
      return { start: today - n * DAY_MS, end: today + DAY_MS };
    case 'NEXT_N_DAYS':
      return { start: today + DAY_MS, end: today + (n + 1) * DAY_MS };
    case 'N_DAYS_AGO':
      return { start: today - n * DAY_MS, end: today - (n - 1) * DAY_MS };
    default:
      throw new SfdcError(400, 'MALFORMED_QUERY', `date literal ${literal} is not supported by the sandbox (TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n, N_DAYS_AGO:n are)`);
  }
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
