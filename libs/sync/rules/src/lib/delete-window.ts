import { DELETE_WINDOW_MS } from './windows';

/** R5 watchdog: the page warns this long before the delete window starts to close. */
export const DELETE_WINDOW_WARNING_MS = 3 * 24 * 3_600_000;

export interface DeleteWindowFacts {
  enabled: boolean;
  /** Set by the first enable: a connection that never synced has no deletions to bring back. */
  firstEnabledAt: number | null;
  /** The disable the connection is disabled since (ms); null when there is none. */
  disabledAt: number | null;
}

/** ISO instants, as the API answers them. */
export interface DeleteWindow {
  disabledAt: string;
  /** R5: disabledAt + 15 days, as Salesforce keeps deleted records 15 days. */
  closesAt: string;
  /** From closesAt - 3 days, both edges included, and on once closed: re-enable soon, or now. */
  warning: boolean;
  /** Strictly after closesAt. */
  closed: boolean;
}

/** null when enabled or never synced. */
export function decideDeleteWindow(facts: DeleteWindowFacts, now: number): DeleteWindow | null {
  if (facts.enabled || facts.firstEnabledAt === null || facts.disabledAt === null) return null;
  const closesAt = facts.disabledAt + DELETE_WINDOW_MS;
  return {
    disabledAt: new Date(facts.disabledAt).toISOString(),
    closesAt: new Date(closesAt).toISOString(),
    warning: now >= closesAt - DELETE_WINDOW_WARNING_MS,
    closed: now > closesAt,
  };
}

/** Seconds until the window closes: negative once closed (the metric's value). */
export const deleteWindowClosesInSeconds = (window: Pick<DeleteWindow, 'closesAt'>, now: number): number =>
  (Date.parse(window.closesAt) - now) / 1000;
