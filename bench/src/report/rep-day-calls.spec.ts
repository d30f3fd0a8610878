import { scaleIdleCalls } from './idle-calls';
import { enterpriseApiAllocation, repDayCalls } from './rep-day-calls';

/** A read-once idle window of 30 s: 6 org polls (one composite each), 2 getDeleted, 2 preflights of 3 calls. */
const idleWindow = scaleIdleCalls({
  mode: 'org-reads',
  reps: 100,
  windowMs: 30_000,
  calls: {
    'GET queryAll': 6,
    'GET sobjects/Task/deleted': 2,
    'GET query': 2,
    'GET tooling/query': 2,
    'GET sobjects/Task/describe': 2,
  },
  cycles: { 'org-poll': 6, 'org-getDeleted': 2, preflight: 2 },
});

describe('repDayCalls: calls a change × 40 + the idle org read once ÷ its reps', () => {
  it('takes the periodic work out of the sample by its cycles and calls a cycle', () => {
    // 60 s of sample: 12 org polls (12 calls), 4 getDeleted (4), 6 preflights (18) = 34 periodic calls of 234.
    const day = repDayCalls({
      orgReps: 100,
      changes: 200,
      callsInSample: 234,
      cyclesInSample: { 'org-poll': 12, 'org-getDeleted': 4, preflight: 6 },
      idle: idleWindow,
      idleOrgs: [{ reps: 100, perDay: idleWindow.perDay }],
    });
    expect(idleWindow.perDay).toBe(384);
    expect(day.periodicCallsInSample).toBeCloseTo(34, 9);
    expect(day.callsPerChange).toBeCloseTo(1, 9);
    expect(day.changeCallsPerRepPerDay).toBeCloseTo(40, 9);
    expect(day.idleCallsPerRepPerDay).toBeCloseTo(3.84, 9);
    expect(day.perRepPerDay).toBeCloseTo(43.84, 9);
    expect(day.perOrg).toHaveLength(1);
    expect(day.perOrg[0].callsPerDay).toBeCloseTo(4384, 9);
    expect(day.perOrg[0].perRep).toBeCloseTo(43.84, 9);
    expect(day.perOrg[0].shareOfEnterprise).toBeCloseTo(4384 / 201_000, 12);
  });

  it('scales each org size by its own idle figure plus its reps times the changes', () => {
    const day = repDayCalls({
      orgReps: 1,
      changes: 20,
      callsInSample: 30,
      cyclesInSample: {},
      idle: idleWindow,
      idleOrgs: [
        { reps: 1, perDay: 384 },
        { reps: 1000, perDay: 390 },
      ],
    });
    expect(day.callsPerChange).toBe(1.5);
    expect(day.perOrg.map((o) => [o.reps, o.callsPerDay, o.perRep])).toEqual([
      [1, 384 + 60, 444],
      [1000, 390 + 60_000, 60.39],
    ]);
  });

  it('never counts a negative share for the changes (periodic work above the calls seen, at a window edge)', () => {
    const day = repDayCalls({
      orgReps: 1,
      changes: 10,
      callsInSample: 3,
      cyclesInSample: { 'org-poll': 5 },
      idle: idleWindow,
      idleOrgs: [],
    });
    expect(day.callsPerChange).toBe(0);
    expect(day.perRepPerDay).toBe(384);
  });

  it('is the idle share alone without changes', () => {
    expect(
      repDayCalls({ orgReps: 4, changes: 0, callsInSample: 9, cyclesInSample: {}, idle: idleWindow, idleOrgs: [] })
        .perRepPerDay,
    ).toBe(96);
  });

  it('counts the licences of the reps and the integration user in the allocation', () => {
    expect([enterpriseApiAllocation(1), enterpriseApiAllocation(1000)]).toEqual([102_000, 1_101_000]);
  });
});
