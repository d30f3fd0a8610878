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

/**
 * Salesforce stores SystemModstamp in whole seconds, so a change stamped s happened somewhere in
 * [s, s + 1 s). R7 judges it at the latest of those instants: a change in the enable's second counts
 * as made after the enable (had it been before, the enable's import window holds it anyway), and one
 * in the disable's second as made after the disable (the next enable's import brings it back).
 */
export function latestInstantOf(side: 'salesconnect' | 'sfdc', changedAt: string): string {
  const t = Date.parse(changedAt);
  // Only a whole-second stamp was cut: one with milliseconds says when it was made.
  if (side !== 'sfdc' || t % 1000 !== 0) return changedAt;
  return new Date(t + 999).toISOString();
}
