import {
  activityOf,
  auditEveryMs,
  cadenceVariables,
  cyclesPerDay,
  DAY_MS,
  DEFAULT_CADENCE,
  idlePollsToSettle,
  idleTestCadence,
  scaleIdleCalls,
} from './idle-calls';

describe('auditEveryMs: getDeleted runs at the end of the first poll after its interval', () => {
  it.each([
    [3_600_000, 300_000, 3_600_000],
    [600_000, 300_000, 600_000],
    [15_000, 5_000, 15_000],
    [16_000, 5_000, 20_000],
    [1_000, 5_000, 5_000],
  ])('audit every %i ms, polls every %i ms: every %i ms', (audit, poll, every) => {
    expect(auditEveryMs(audit, poll)).toBe(every);
  });
});

describe('cyclesPerDay at the default intervals', () => {
  it.each([
    ['org-poll', 1, 288],
    ['org-poll', 1000, 288],
    ['org-getDeleted', 1000, 24],
    ['preflight', 1000, 24],
    ['rep-poll', 1, 288],
    ['rep-poll', 100, 28_800],
    ['rep-getDeleted', 1, 144],
    ['rep-getDeleted', 1000, 144_000],
  ] as const)('%s with %i reps: %i a day', (activity, reps, perDay) => {
    expect(cyclesPerDay(activity, DEFAULT_CADENCE, reps)).toBe(perDay);
  });

  it('has no cadence for an unexpected call', () => {
    expect(cyclesPerDay('other', DEFAULT_CADENCE, 1)).toBeNull();
  });
});

describe('activityOf: which cadence a call follows, by the sandbox endpoint name', () => {
  it.each([
    ['GET queryAll', 'org-reads', 'org-poll'],
    ['GET queryAll/{locator}', 'org-reads', 'org-poll'],
    ['GET sobjects/Task/deleted', 'org-reads', 'org-getDeleted'],
    ['GET query', 'org-reads', 'preflight'],
    ['GET tooling/query', 'org-reads', 'preflight'],
    ['GET sobjects/Task/describe', 'org-reads', 'preflight'],
    ['GET limits', 'org-reads', 'other'],
    ['GET queryAll', 'per-rep', 'rep-poll'],
    ['GET sobjects/Task/deleted', 'per-rep', 'rep-getDeleted'],
    ['GET query', 'per-rep', 'other'],
    ['PATCH sobjects/Task/{id}', 'per-rep', 'other'],
    // One Composite call each: the org poll's first page with getDeleted folded in, and the preflight's two reads.
    ['POST composite (GET queryAll + GET sobjects/Task/deleted)', 'org-reads', 'org-poll'],
    ['POST composite (GET query + GET sobjects/Task/describe)', 'org-reads', 'preflight'],
    ['POST composite (PATCH sobjects/Task/{id})', 'org-reads', 'other'],
  ] as const)('%s (%s): %s', (endpoint, mode, activity) => {
    expect(activityOf(endpoint, mode)).toBe(activity);
  });
});

describe('scaleIdleCalls: calls in the window ÷ cycles in the window × cycles a day at the defaults', () => {
  it('an org read once: 288 polls, 24 getDeleted and 24 preflights of 3 calls', () => {
    const scaled = scaleIdleCalls({
      mode: 'org-reads',
      reps: 1000,
      windowMs: 45_000,
      calls: {
        'GET queryAll': 9,
        'GET sobjects/Task/deleted': 3,
        'GET query': 2,
        'GET tooling/query': 2,
        'GET sobjects/Task/describe': 2,
      },
      cycles: { 'org-poll': 9, 'org-getDeleted': 3, preflight: 2 },
    });
    expect(scaled.perDay).toBeCloseTo(288 + 24 + 72, 9);
    expect(scaled.endpoints.map((e) => [e.endpoint, e.activity, e.scaledBy, e.perDay])).toEqual([
      ['GET queryAll', 'org-poll', 'cadence', 288],
      ['GET sobjects/Task/deleted', 'org-getDeleted', 'cadence', 24],
      ['GET query', 'preflight', 'cadence', 24],
      ['GET sobjects/Task/describe', 'preflight', 'cadence', 24],
      ['GET tooling/query', 'preflight', 'cadence', 24],
    ]);
  });

  it('per-rep polling: each rep 288 polls and 144 getDeleted a day', () => {
    const scaled = scaleIdleCalls({
      mode: 'per-rep',
      reps: 100,
      windowMs: 90_000,
      calls: { 'GET queryAll': 300, 'GET sobjects/Task/deleted': 150 },
      cycles: { 'rep-poll': 300, 'rep-getDeleted': 150 },
    });
    expect(scaled.perDay).toBe(100 * (288 + 144));
  });

  it('keeps a poll that costs two calls at two calls a cycle', () => {
    const scaled = scaleIdleCalls({
      mode: 'org-reads',
      reps: 1,
      windowMs: 45_000,
      calls: { 'GET queryAll': 9, 'GET queryAll/{locator}': 9 },
      cycles: { 'org-poll': 9 },
    });
    expect(scaled.perDay).toBe(2 * 288);
  });

  it('scales an unexpected call, or one whose activity had no cycle in the window, by the window', () => {
    const scaled = scaleIdleCalls({
      mode: 'org-reads',
      reps: 1,
      windowMs: 60_000,
      calls: { 'GET limits': 2, 'GET sobjects/Task/deleted': 1, 'GET queryAll': 0 },
      cycles: { 'org-poll': 12 },
    });
    expect(scaled.endpoints).toEqual([
      {
        endpoint: 'GET sobjects/Task/deleted',
        activity: 'org-getDeleted',
        calls: 1,
        cycles: 0,
        cyclesPerDay: 24,
        scaledBy: 'window',
        perDay: DAY_MS / 60_000,
      },
      {
        endpoint: 'GET limits',
        activity: 'other',
        calls: 2,
        cycles: 0,
        cyclesPerDay: null,
        scaledBy: 'window',
        perDay: (2 * DAY_MS) / 60_000,
      },
    ]);
  });

  it('is zero for a window without calls', () => {
    expect(scaleIdleCalls({ mode: 'per-rep', reps: 1, windowMs: 1_000, calls: {}, cycles: {} })).toEqual({
      endpoints: [],
      perDay: 0,
    });
  });
});

describe("the phase's shortened intervals", () => {
  it('scales the per-rep intervals with the reps, keeping the defaults’ ratios, and keeps the org’s short', () => {
    expect(idleTestCadence(1)).toEqual({
      pollMs: 300,
      pollIdleMaxMs: 3_000,
      deleteAuditMs: 6_000,
      orgPollMs: 5_000,
      orgDeleteAuditMs: 15_000,
      preflightMs: 10_000,
    });
    const big = idleTestCadence(1101);
    expect(big.pollIdleMaxMs).toBe(28_000);
    expect(big.pollIdleMaxMs / big.pollMs).toBe(DEFAULT_CADENCE.pollIdleMaxMs / DEFAULT_CADENCE.pollMs);
    expect(big.deleteAuditMs / big.pollIdleMaxMs).toBe(DEFAULT_CADENCE.deleteAuditMs / DEFAULT_CADENCE.pollIdleMaxMs);
    expect(Number.isInteger(big.pollMs)).toBe(true);
  });

  it('knows when the back-off has settled: 30 s doubling reaches 300 s after 4 idle polls', () => {
    expect(idlePollsToSettle(DEFAULT_CADENCE)).toBe(4);
    expect(idlePollsToSettle({ pollMs: 1000, pollIdleMaxMs: 1000 })).toBe(0);
    expect(idlePollsToSettle({ pollMs: 100, pollIdleMaxMs: 1600 })).toBe(4);
  });

  it('names each interval by its service variable', () => {
    expect(cadenceVariables(idleTestCadence(1))).toEqual({
      POLL_INTERVAL_MS: '300',
      POLL_IDLE_MAX_INTERVAL_MS: '3000',
      DELETE_AUDIT_INTERVAL_MS: '6000',
      ORG_POLL_INTERVAL_MS: '5000',
      ORG_POLL_DOWN_INTERVAL_MS: '5000',
      ORG_DELETE_AUDIT_INTERVAL_MS: '15000',
      ORG_READER_PREFLIGHT_INTERVAL_SECONDS: '10',
    });
  });
});
