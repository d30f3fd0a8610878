/**
 * An idle org's Salesforce API calls a day, from a short measured window: each endpoint's calls,
 * divided by the cycles of the activity that makes them (polls, getDeleted runs, preflights) seen
 * in the window, times that activity's cycles a day at the services' default intervals.
 *
 *   calls a day = Σ over endpoints  calls in window ÷ cycles in window × cycles a day at the defaults
 *
 * The window runs with shortened intervals (the services' own settings), so calls per cycle is
 * what is measured, and the default cadence says how many cycles a day brings.
 */

export const DAY_MS = 86_400_000;

/** How an idle org is read: once for the org (its reader: the CDC stream plus the safety-net org poll), or by one poll per rep. */
export type IdleMode = 'org-reads' | 'per-rep';
export const IDLE_MODES: readonly IdleMode[] = ['org-reads', 'per-rep'];

/** What an idle org spends calls on, each at its own cadence; `other` is anything unexpected. */
export type IdleActivity = 'org-poll' | 'org-getDeleted' | 'preflight' | 'rep-poll' | 'rep-getDeleted' | 'other';
export const IDLE_ACTIVITIES: readonly IdleActivity[] = [
  'org-poll',
  'org-getDeleted',
  'preflight',
  'rep-poll',
  'rep-getDeleted',
  'other',
];

/** The intervals that set each activity's cadence. */
export interface IdleCadence {
  /** sfdc-ingest POLL_INTERVAL_MS: a rep's poll after one that found something; doubles while idle. */
  pollMs: number;
  /** sfdc-ingest POLL_IDLE_MAX_INTERVAL_MS: an idle rep's poll, once the back-off settled. */
  pollIdleMaxMs: number;
  /** sfdc-ingest DELETE_AUDIT_INTERVAL_MS: a rep's getDeleted, at the end of the first poll after it. */
  deleteAuditMs: number;
  /** sfdc-ingest ORG_POLL_INTERVAL_MS: the org's safety-net poll while its stream is healthy. */
  orgPollMs: number;
  /** sfdc-ingest ORG_DELETE_AUDIT_INTERVAL_MS: the org's getDeleted, at the end of the first org poll after it. */
  orgDeleteAuditMs: number;
  /** connector-settings ORG_READER_PREFLIGHT_INTERVAL_SECONDS × 1000: the reader's preflight. */
  preflightMs: number;
}

/** The services' defaults (apps/sfdc-ingest/src/app/sfdc-ingest.config.ts, apps/connector-settings/src/app/connector-settings.config.ts). */
export const DEFAULT_CADENCE: IdleCadence = {
  pollMs: 30_000,
  pollIdleMaxMs: 300_000,
  deleteAuditMs: 600_000,
  orgPollMs: 300_000,
  orgDeleteAuditMs: 3_600_000,
  preflightMs: 3_600_000,
};

/** getDeleted runs at the end of a poll once its interval has passed: every ⌈audit ÷ poll⌉ polls. */
export function auditEveryMs(auditMs: number, pollMs: number): number {
  return Math.ceil(auditMs / pollMs) * pollMs;
}

/** Cycles a day of one activity in one org at these intervals; a per-rep activity counts every rep's. Null for `other` (no known cadence). */
export function cyclesPerDay(activity: IdleActivity, cadence: IdleCadence, reps: number): number | null {
  switch (activity) {
    case 'org-poll':
      return DAY_MS / cadence.orgPollMs;
    case 'org-getDeleted':
      return DAY_MS / auditEveryMs(cadence.orgDeleteAuditMs, cadence.orgPollMs);
    case 'preflight':
      return DAY_MS / cadence.preflightMs;
    case 'rep-poll':
      return (reps * DAY_MS) / cadence.pollIdleMaxMs;
    case 'rep-getDeleted':
      return (reps * DAY_MS) / auditEveryMs(cadence.deleteAuditMs, cadence.pollIdleMaxMs);
    case 'other':
      return null;
  }
}

/**
 * A Composite call is one call, named by its subrequests: one that reads `queryAll` is a poll (the
 * org poll's first page, with getDeleted folded in).
 */
export function activityOf(endpoint: string, mode: IdleMode): IdleActivity {
  const composite = /^POST composite \((.*)\)$/.exec(endpoint);
  if (composite) {
    if (isPollEndpoint(endpoint)) return mode === 'per-rep' ? 'rep-poll' : 'org-poll';
    return mode === 'org-reads' &&
      composite[1].split(' + ').every((p) => /^GET (query|tooling\/query|sobjects\/Task\/describe)$/.test(p))
      ? 'preflight'
      : 'other';
  }
  const poll = /^GET queryAll(\/|$)/.test(endpoint);
  const getDeleted = endpoint === 'GET sobjects/Task/deleted';
  if (mode === 'per-rep') return poll ? 'rep-poll' : getDeleted ? 'rep-getDeleted' : 'other';
  if (poll) return 'org-poll';
  if (getDeleted) return 'org-getDeleted';
  return /^GET (query|tooling\/query|sobjects\/Task\/describe)$/.test(endpoint) ? 'preflight' : 'other';
}

/** A poll's first page: `GET queryAll`, or a Composite call that runs one (the org poll's, getDeleted folded in). */
export function isPollEndpoint(endpoint: string): boolean {
  const composite = /^POST composite \((.*)\)$/.exec(endpoint);
  return composite ? composite[1].split(' + ').some((p) => /^GET queryAll(\/|$)/.test(p)) : endpoint === 'GET queryAll';
}

export interface IdleEndpointFigure {
  /** The sandbox's endpoint name, e.g. `GET queryAll`. */
  endpoint: string;
  activity: IdleActivity;
  /** Calls to it in the window. */
  calls: number;
  /** Cycles of its activity in the window (as the services' own state recorded them). */
  cycles: number;
  /** The activity's cycles a day at the default intervals; null when it has none (`other`). */
  cyclesPerDay: number | null;
  /**
   * `cadence`: calls ÷ cycles × cycles a day. `window`: no cycle seen, or no known cadence: the
   * window's rate over a day (calls × 86,400 s ÷ window), at the shortened intervals: an overstatement.
   */
  scaledBy: 'cadence' | 'window';
  perDay: number;
}

export interface IdleCallsInput {
  mode: IdleMode;
  reps: number;
  windowMs: number;
  /** Calls in the window, by endpoint (OAuth token calls left out: they are not API calls). */
  calls: Record<string, number>;
  /** Cycles of each activity seen in the window. */
  cycles: Partial<Record<IdleActivity, number>>;
}

/** Each endpoint's calls a day for one idle org, and their sum. */
export function scaleIdleCalls(
  input: IdleCallsInput,
  cadence: IdleCadence = DEFAULT_CADENCE,
): { endpoints: IdleEndpointFigure[]; perDay: number } {
  const endpoints = Object.entries(input.calls)
    .filter(([, calls]) => calls > 0)
    .map(([endpoint, calls]): IdleEndpointFigure => {
      const activity = activityOf(endpoint, input.mode);
      const cycles = input.cycles[activity] ?? 0;
      const perDayCycles = cyclesPerDay(activity, cadence, input.reps);
      if (perDayCycles === null || cycles === 0) {
        return {
          endpoint,
          activity,
          calls,
          cycles,
          cyclesPerDay: perDayCycles,
          scaledBy: 'window',
          perDay: (calls * DAY_MS) / input.windowMs,
        };
      }
      return {
        endpoint,
        activity,
        calls,
        cycles,
        cyclesPerDay: perDayCycles,
        scaledBy: 'cadence',
        perDay: (calls / cycles) * perDayCycles,
      };
    })
    .sort(
      (a, b) =>
        IDLE_ACTIVITIES.indexOf(a.activity) - IDLE_ACTIVITIES.indexOf(b.activity) ||
        a.endpoint.localeCompare(b.endpoint),
    );
  return { endpoints, perDay: endpoints.reduce((sum, e) => sum + e.perDay, 0) };
}

/** The done-criterion of issue 20: an idle org read once costs at most this many read calls a day. */
export const ORG_READS_TARGET_PER_DAY = 350;

/**
 * The phase's shortened intervals, from how many reps it connects in all. The per-rep ones are the
 * defaults scaled down together (the same 1 : 10 : 20 back-off and getDeleted ratio), slow enough
 * that every rep's idle polls stay near 40 a second; the org's are short, with getDeleted every
 * third org poll and the preflight at connector-settings' minimum (10 s).
 */
export function idleTestCadence(totalReps: number): IdleCadence {
  const pollIdleMaxMs = Math.max(3_000, Math.ceil(totalReps / 40) * 1_000);
  return {
    pollMs: pollIdleMaxMs / 10,
    pollIdleMaxMs,
    deleteAuditMs: pollIdleMaxMs * 2,
    orgPollMs: 5_000,
    orgDeleteAuditMs: 15_000,
    preflightMs: 10_000,
  };
}

/** Idle polls in a row after which a rep's wait is the maximum (sfdc-ingest's perRepPollDelayMs doubles from pollMs). */
export function idlePollsToSettle(cadence: Pick<IdleCadence, 'pollMs' | 'pollIdleMaxMs'>): number {
  let polls = 0;
  while (cadence.pollMs * 2 ** polls < cadence.pollIdleMaxMs) polls++;
  return polls;
}

/** The services' variables for a cadence (what the phase's stack runs with). */
export function cadenceVariables(cadence: IdleCadence): Record<string, string> {
  return {
    POLL_INTERVAL_MS: String(cadence.pollMs),
    POLL_IDLE_MAX_INTERVAL_MS: String(cadence.pollIdleMaxMs),
    DELETE_AUDIT_INTERVAL_MS: String(cadence.deleteAuditMs),
    ORG_POLL_INTERVAL_MS: String(cadence.orgPollMs),
    // The org poll keeps its pace while the stream comes up (the window starts once it streams).
    ORG_POLL_DOWN_INTERVAL_MS: String(cadence.orgPollMs),
    ORG_DELETE_AUDIT_INTERVAL_MS: String(cadence.orgDeleteAuditMs),
    ORG_READER_PREFLIGHT_INTERVAL_SECONDS: String(Math.round(cadence.preflightMs / 1000)),
  };
}

export interface IdleActivityFigure {
  activity: IdleActivity;
  endpoints: string[];
  calls: number;
  cycles: number;
  cyclesPerDay: number | null;
  scaledBy: 'cadence' | 'window';
  perDay: number;
}

/** The endpoints' figures summed by activity (an activity's endpoints share its cycles), in IDLE_ACTIVITIES order. */
export function byActivity(endpoints: readonly IdleEndpointFigure[]): IdleActivityFigure[] {
  const figures = new Map<IdleActivity, IdleActivityFigure>();
  for (const e of endpoints) {
    const figure = figures.get(e.activity) ?? {
      activity: e.activity,
      endpoints: [],
      calls: 0,
      cycles: e.cycles,
      cyclesPerDay: e.cyclesPerDay,
      scaledBy: e.scaledBy,
      perDay: 0,
    };
    figure.endpoints.push(e.endpoint);
    figure.calls += e.calls;
    figure.perDay += e.perDay;
    if (e.scaledBy === 'window') figure.scaledBy = 'window';
    figures.set(e.activity, figure);
  }
  return IDLE_ACTIVITIES.filter((a) => figures.has(a)).map((a) => figures.get(a) as IdleActivityFigure);
}

/** What each activity is, for people. */
export const ACTIVITY_NAMES: Record<IdleActivity, string> = {
  'org-poll': 'org poll',
  'org-getDeleted': 'org getDeleted',
  preflight: "reader's preflight",
  'rep-poll': 'rep polls',
  'rep-getDeleted': 'rep getDeleted',
  other: 'other',
};

/** Which setting sets each activity's cadence, and its default (for the report). */
export const ACTIVITY_CADENCE: Record<
  Exclude<IdleActivity, 'other'>,
  { variable: string; intervalMs: (c: IdleCadence) => number }
> = {
  'org-poll': { variable: 'ORG_POLL_INTERVAL_MS', intervalMs: (c) => c.orgPollMs },
  'org-getDeleted': {
    variable: 'ORG_DELETE_AUDIT_INTERVAL_MS (at the end of an org poll)',
    intervalMs: (c) => auditEveryMs(c.orgDeleteAuditMs, c.orgPollMs),
  },
  preflight: {
    variable: 'ORG_READER_PREFLIGHT_INTERVAL_SECONDS (connector-settings)',
    intervalMs: (c) => c.preflightMs,
  },
  'rep-poll': {
    variable: 'POLL_IDLE_MAX_INTERVAL_MS (an idle rep, backed off from POLL_INTERVAL_MS)',
    intervalMs: (c) => c.pollIdleMaxMs,
  },
  'rep-getDeleted': {
    variable: 'DELETE_AUDIT_INTERVAL_MS (at the end of a rep poll)',
    intervalMs: (c) => auditEveryMs(c.deleteAuditMs, c.pollIdleMaxMs),
  },
};
