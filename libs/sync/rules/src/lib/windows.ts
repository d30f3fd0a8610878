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
 * SystemModstamp is whole seconds: a change stamped s happened in [s, s + 1 s). R7 takes the latest
 * instant, which is safe at both edges: the enable's import holds it, the next enable's brings it back.
 */
export function latestInstantOf(side: 'salesconnect' | 'sfdc', changedAt: string): string {
  const t = Date.parse(changedAt);
  // Only a whole-second stamp was cut: one with milliseconds says when it was made.
  if (side !== 'sfdc' || t % 1000 !== 0) return changedAt;
  return new Date(t + 999).toISOString();
}

/** Past this, a change stamped ahead of the settings' clock is decided on the view there is (a wrong clock must not hold it for ever). */
export const MAX_SETTINGS_WAIT_AHEAD_MS = 5 * 60_000;

/** R7 exact: a live change needs the instant it was made; an import or re-enable's deletions, their enable. */
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
 * A stream change within its whole-second stamp needs settings up to that second's end: waiting out
 * the rest (ms answered) costs less than parking it and every later change of its connection.
 */
export function waitForSettingsClockMs(needed: number, coveredUpTo: number, now: number): number {
  if (!isAheadOfSettings(needed, coveredUpTo, now)) return 0;
  const ahead = needed - now;
  return ahead >= 0 && ahead < MAX_WAIT_FOR_SETTINGS_CLOCK_MS ? ahead + 1 : 0;
}

/** How long after a disable the ingests still read for it: a change made before the disable may arrive late (a webhook, the stream, a poll). */
export const LATE_CHANGE_AFTER_DISABLE_MS = 10 * 60_000;

/**
 * R7 at the ingests: on now, or disabled after the change was made (a late webhook still crosses).
 * The reconciler judges each by the whole history.
 */
export function receivesChangeMadeAt(connection: { disabledAt: number | null }, madeAt: number): boolean {
  return connection.disabledAt === null || madeAt < connection.disabledAt;
}

/**
 * R3 and R6 at the ingests: a change no enabled connection receives is skipped only once the
 * settings view covers when it was made; before that, an enable saved just before it may not have
 * reached this service yet, and skipping it would lose a change that must cross.
 */
export function judgeUnreceivedChange(madeAt: number, settingsCoveredUpTo: number): 'skip' | 'await-settings' {
  return madeAt <= settingsCoveredUpTo ? 'skip' : 'await-settings';
}
