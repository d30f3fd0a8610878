import { mustWaitForSettings } from './windows';

type Change = Parameters<typeof mustWaitForSettings>[0];

/** The view of the settings a change is judged against: how far it holds every setting change, and the time now (ms). */
export interface SettingsCoverage {
  coveredUpTo: number;
  nowMs: number;
}

/**
 * R7 exact: decided only on settings covering when it was made. Later changes of a connection park
 * behind a parked one, so they are decided in the order they came.
 */
export function mustParkChange(change: Change, connectionHasParked: boolean, view: SettingsCoverage): boolean {
  return connectionHasParked || mustWaitForSettings(change, view.coveredUpTo, view.nowMs);
}

/** Those before the first one the view does not cover yet, so the order holds. */
export function releasableParkedChanges<T extends { change: Change }>(
  parked: readonly T[],
  view: SettingsCoverage,
): T[] {
  const waitFrom = parked.findIndex((p) => mustWaitForSettings(p.change, view.coveredUpTo, view.nowMs));
  return waitFrom === -1 ? [...parked] : parked.slice(0, waitFrom);
}
