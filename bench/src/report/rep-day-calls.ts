/**
 * Salesforce API calls a rep a day for a realistic day (issue 20, deliverable 7), in an org read
 * once: each rep makes 40 changes a day, half on each side. Two measured parts:
 *
 *   calls a rep a day = calls a change × 40  +  the idle org's calls a day ÷ its reps
 *
 * - calls a change: the product's calls while the CDC-day sample's changes were made and synced,
 *   less what the org's periodic work (safety-net poll, getDeleted, preflight) spent meanwhile
 *   (its cycles in the sample × its calls a cycle in the idle window), ÷ the changes made;
 * - the idle org's calls a day: the idle-org phase's read-once figure of the same org.
 */
import { CHANGES_PER_REP_PER_DAY } from './cdc-day';
import { byActivity, type IdleActivity, type IdleEndpointFigure } from './idle-calls';

/** An Enterprise org's daily API allocation: 100,000 + 1,000 per licence (the reps, and the integration user). */
export function enterpriseApiAllocation(reps: number): number {
  return 100_000 + 1_000 * (reps + 1);
}

export interface RepDayCallsInput {
  /** Reps of the org the sample was made in. */
  orgReps: number;
  /** Changes the sample made, both sides together. */
  changes: number;
  /** The product's Salesforce calls during the sample (the benchmark's own calls as the reps and OAuth token calls left out). */
  callsInSample: number;
  /** Cycles of the org's periodic work during the sample, as the services' state recorded them. */
  cyclesInSample: Partial<Record<IdleActivity, number>>;
  /** The same org's read-once idle window: each endpoint's calls and cycles (for calls a cycle) and its calls a day. */
  idle: { endpoints: readonly IdleEndpointFigure[]; perDay: number };
  /** Every idle org measured read once (reps, calls a day), for the org-level figures. */
  idleOrgs: readonly { reps: number; perDay: number }[];
}

export interface RepDayCallsResult {
  orgReps: number;
  changes: number;
  callsInSample: number;
  /** What the periodic work spent during the sample: Σ activities' cycles in the sample × calls a cycle in the idle window. */
  periodicCallsInSample: number;
  /** (callsInSample − periodicCallsInSample) ÷ changes, not below zero. */
  callsPerChange: number;
  /** callsPerChange × 40. */
  changeCallsPerRepPerDay: number;
  /** The idle org's read-once calls a day ÷ its reps. */
  idleCallsPerRepPerDay: number;
  /** The sum of the two: the figure. */
  perRepPerDay: number;
  /** Orgs of each measured size: their idle calls a day + reps × the changes' calls a rep a day, beside the Enterprise allocation. */
  perOrg: { reps: number; callsPerDay: number; perRep: number; shareOfEnterprise: number }[];
}

export function repDayCalls(input: RepDayCallsInput): RepDayCallsResult {
  // Activities with no cadence (`other`) are not periodic: what they spent in the sample counts as the changes'.
  const periodicCallsInSample = byActivity(input.idle.endpoints)
    .filter((a) => a.scaledBy === 'cadence' && a.cycles > 0)
    .reduce((sum, a) => sum + (a.calls / a.cycles) * (input.cyclesInSample[a.activity] ?? 0), 0);
  const callsPerChange =
    input.changes > 0 ? Math.max(0, input.callsInSample - periodicCallsInSample) / input.changes : 0;
  const changeCallsPerRepPerDay = callsPerChange * CHANGES_PER_REP_PER_DAY;
  const idleCallsPerRepPerDay = input.orgReps > 0 ? input.idle.perDay / input.orgReps : 0;
  return {
    orgReps: input.orgReps,
    changes: input.changes,
    callsInSample: input.callsInSample,
    periodicCallsInSample,
    callsPerChange,
    changeCallsPerRepPerDay,
    idleCallsPerRepPerDay,
    perRepPerDay: changeCallsPerRepPerDay + idleCallsPerRepPerDay,
    perOrg: input.idleOrgs.map(({ reps, perDay }) => {
      const callsPerDay = perDay + reps * changeCallsPerRepPerDay;
      return {
        reps,
        callsPerDay,
        perRep: callsPerDay / reps,
        shareOfEnterprise: callsPerDay / enterpriseApiAllocation(reps),
      };
    }),
  };
}
