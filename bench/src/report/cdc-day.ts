/**
 * Change Data Capture events a day for a realistic day (issue 20, deliverable 7): each rep makes
 * 40 changes a day, half on each side. A sample of reps makes a day's mix in miniature; the events
 * the org's stream delivered per change, times 40 a rep, is a rep's day.
 */

/** A realistic day: each rep makes this many changes, half in Salesforce and half in Sales Connect. */
export const CHANGES_PER_REP_PER_DAY = 40;

/** Events delivered a day, shared by every subscriber of the org ("Change Data Capture Allocations"). */
export const CDC_DAILY_ALLOCATIONS = [
  { edition: 'Developer', events: 10_000 },
  { edition: 'Enterprise', events: 25_000 },
  { edition: 'Unlimited / Performance', events: 50_000 },
] as const;
export const ENTERPRISE_CDC_ALLOCATION = 25_000;

/**
 * The steady state's mix. Each round waits until the one before arrived: a real day's changes are
 * minutes apart, and two completes written in one transaction would be one merged event.
 */
export const SAMPLE_CHANGES: readonly { kind: 'create' | 'edit' | 'complete' | 'delete'; task: number }[] = [
  { kind: 'create', task: 0 },
  { kind: 'create', task: 1 },
  { kind: 'create', task: 2 },
  { kind: 'edit', task: 0 },
  { kind: 'edit', task: 1 },
  { kind: 'edit', task: 2 },
  { kind: 'edit', task: 0 },
  { kind: 'complete', task: 2 },
  { kind: 'complete', task: 1 },
  { kind: 'delete', task: 0 },
];
export const SAMPLE_KINDS = SAMPLE_CHANGES.map((c) => c.kind);

export interface CdcDayResult {
  /** Reps in the org the sample was made in, and how many of them made changes. */
  orgReps: number;
  sampledReps: number;
  /** Changes made in each system (the benchmark acting as the reps). */
  changes: { salesforce: number; salesConnect: number };
  /** The org's CDC events delivered from the first change until everything settled (the reps' changes and the sync's writes). */
  eventsDelivered: number;
  eventsPerChange: number;
  /** Events a rep's realistic day brings: events a change × 40. */
  perRepPerDay: number;
  /** An org's day with that many reps, beside the Enterprise allocation. */
  perOrg: { reps: number; eventsPerDay: number; shareOfEnterprise: number }[];
  /** Seconds from the first change until the org settled. */
  seconds: number;
}

/** The figures from what the sample delivered, for orgs of `reps`. */
export function cdcDay(
  input: {
    orgReps: number;
    sampledReps: number;
    changes: { salesforce: number; salesConnect: number };
    eventsDelivered: number;
    seconds: number;
  },
  reps: readonly number[],
): CdcDayResult {
  const made = input.changes.salesforce + input.changes.salesConnect;
  const eventsPerChange = made > 0 ? input.eventsDelivered / made : 0;
  const perRepPerDay = eventsPerChange * CHANGES_PER_REP_PER_DAY;
  return {
    ...input,
    eventsPerChange,
    perRepPerDay,
    perOrg: reps.map((n) => ({
      reps: n,
      eventsPerDay: n * perRepPerDay,
      shareOfEnterprise: (n * perRepPerDay) / ENTERPRISE_CDC_ALLOCATION,
    })),
  };
}
