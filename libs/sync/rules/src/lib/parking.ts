import { mustWaitForSettings } from './windows';

type Change = Parameters<typeof mustWaitForSettings>[0];

/** The view of the settings a change is judged against: how far it holds every setting change, and the time now (ms). */
export interface SettingsCoverage {
  coveredUpTo: number;
  nowMs: number;
}

/**
 * R7 exact: a change is decided only on a view of the settings that holds every setting change up
 * to when it was made. Until then it parks, and so does every later change of a connection that
 * has changes parked already, so a connection's changes are decided in the order they came.
 */
export function mustParkChange(change: Change, connectionHasParked: boolean, view: SettingsCoverage): boolean {
  return connectionHasParked || mustWaitForSettings(change, view.coveredUpTo, view.nowMs);
}

/**
 * A connection's parked changes (in the order parked) that can be decided now: those before the
 * first one the view of the settings does not cover yet. That one and every later one stay parked,
 * so the order holds.
 */
export function releasableParkedChanges<T extends { change: Change }>(
  parked: readonly T[],
  view: SettingsCoverage,
): T[] {
  const waitFrom = parked.findIndex((p) => mustWaitForSettings(p.change, view.coveredUpTo, view.nowMs));
  return waitFrom === -1 ? [...parked] : parked.slice(0, waitFrom);
}
