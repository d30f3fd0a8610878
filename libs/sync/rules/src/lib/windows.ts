const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** R2: an enable imports Salesforce tasks created or modified in the 24 hours before it. */
export const IMPORT_WINDOW_MS = 24 * HOUR_MS;
/** R5: a re-enable applies Salesforce deletions of the 15 days before it (Salesforce keeps them 15 days). */
export const DELETE_WINDOW_MS = 15 * DAY_MS;

/** Whether `instant` lies in [end - lengthMs, end], both edges included. */
export function isWithinWindowBefore(instant: string, end: string, lengthMs: number): boolean {
  const t = Date.parse(instant);
  const e = Date.parse(end);
  return t >= e - lengthMs && t <= e;
}
