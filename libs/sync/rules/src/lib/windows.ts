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

/** Past this, a change stamped ahead of the settings' clock is decided on the view there is (a wrong clock must not hold it for ever). */
export const MAX_SETTINGS_WAIT_AHEAD_MS = 5 * 60_000;

/**
 * R7 exact: the instant up to which a service's view of the settings must hold every setting change
 * before it decides `change`. A live change needs the instant it was made (a disable saved a
 * millisecond before it must be known); an import or a re-enable's deletions need their enable.
 */
export function settingsNeededUpTo(change: {
  side: 'salesconnect' | 'sfdc';
  changedAt: string;
  enableAt?: string;
}): number {
  const made = Date.parse(latestInstantOf(change.side, change.changedAt));
  return change.enableAt ? Math.max(made, Date.parse(change.enableAt)) : made;
}

/** Whether deciding `change` must wait for a newer view of the settings than the one covering up to `coveredUpTo`. */
export function mustWaitForSettings(
  change: { side: 'salesconnect' | 'sfdc'; changedAt: string; enableAt?: string },
  coveredUpTo: number,
  now: number,
): boolean {
  return isAheadOfSettings(settingsNeededUpTo(change), coveredUpTo, now);
}

/** Whether a view of the settings covering up to `coveredUpTo` is too old for what needs them up to `needed` (ms). */
export function isAheadOfSettings(needed: number, coveredUpTo: number, now: number): boolean {
  return needed > coveredUpTo && needed <= now + MAX_SETTINGS_WAIT_AHEAD_MS;
}

/** The longest a run waits for the settings' clock to pass what it needs, before asking for them. */
export const MAX_WAIT_FOR_SETTINGS_CLOCK_MS = 1_000;

/**
 * R7 exact, without parking what a short wait settles: a Salesforce change the stream brings within
 * its own whole-second stamp needs the settings up to that second's end, which no view can cover
 * before the clock gets there. Waiting out the rest of the second (ms answered) costs less than
 * parking the change, and with it every later change of its connection until a release.
 */
export function waitForSettingsClockMs(needed: number, coveredUpTo: number, now: number): number {
  if (!isAheadOfSettings(needed, coveredUpTo, now)) return 0;
  const ahead = needed - now;
  return ahead >= 0 && ahead < MAX_WAIT_FOR_SETTINGS_CLOCK_MS ? ahead + 1 : 0;
}

/** How long after a disable the ingests still read for it: a change made before the disable may arrive late (a webhook, the stream, a poll). */
export const LATE_CHANGE_AFTER_DISABLE_MS = 10 * 60_000;

/**
 * R7 exact, at the ingests: a connection receives a change if its sync is on now (`disabledAt`
 * null), or if it was disabled after the change was made (a late webhook or read of a change made
 * before the disable still crosses). The reconciler judges each by the whole history.
 */
export function receivesChangeMadeAt(connection: { disabledAt: number | null }, madeAt: number): boolean {
  return connection.disabledAt === null || madeAt < connection.disabledAt;
}
