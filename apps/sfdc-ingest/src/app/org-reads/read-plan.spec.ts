import {
  coveredByPoll,
  decideOrgReads,
  orgPollDelayMs,
  orgPollOwners,
  orgPollStart,
  perRepPollDelayMs,
} from './read-plan';

const passed = { passed: true };

describe('org reads: an org is read once only through a reader that can see every task', () => {
  it('a connected reader whose preflight passed reads the org once', () => {
    expect(decideOrgReads({ orgId: '00D', connected: true, sfdcUserId: '005READER', preflight: passed })).toEqual({
      reads: 'org',
      reason: 'read once for the org by its reader (005READER)',
    });
  });

  it.each([
    ['no reader', null, 'the org has no reader'],
    [
      'a refused grant',
      { orgId: '00D', connected: false, sfdcUserId: '005R', preflight: passed },
      "Salesforce refused the org reader's grant",
    ],
    [
      'no preflight yet',
      { orgId: '00D', connected: true, sfdcUserId: '005R', preflight: null },
      'the org reader has not been checked yet',
    ],
    [
      'a failed preflight',
      { orgId: '00D', connected: true, sfdcUserId: '005R', preflight: { passed: false } },
      "the org reader's preflight did not pass",
    ],
  ])('%s: read per rep, and the reason says why', (_, reader, reason) => {
    expect(decideOrgReads(reader)).toEqual({ reads: 'per-rep', reason });
  });
});

describe('the org poll names its owners while they fit one query, else reads the whole org', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `005${String(i).padStart(12, '0')}AAA`);

  it('up to the limit: each owner once (15- and 18-character forms are one user)', () => {
    expect(orgPollOwners(['005000000000001AAA', '005000000000001', '005000000000002AAA'], 400)).toEqual([
      '005000000000001AAA',
      '005000000000002AAA',
    ]);
    expect(orgPollOwners(ids(400), 400)).toHaveLength(400);
  });

  it('past the limit: null, one query for the whole org (one call a poll, not one per chunk)', () => {
    expect(orgPollOwners(ids(401), 400)).toBeNull();
    expect(orgPollOwners(ids(1000), 400)).toBeNull();
  });
});

describe('the org poll is a safety net while the stream delivers', () => {
  const cadence = { healthyMs: 300_000, downMs: 30_000 };
  it('every 5 minutes while the stream is healthy, every 30 s while it is not', () => {
    expect(orgPollDelayMs(true, cadence)).toBe(300_000);
    expect(orgPollDelayMs(false, cadence)).toBe(30_000);
  });
  it('the down pace is never slower than the healthy one', () => {
    expect(orgPollDelayMs(false, { healthyMs: 10_000, downMs: 30_000 })).toBe(10_000);
  });
});

describe('per-rep polls back off while a rep is idle', () => {
  it('the wait doubles with each idle poll in a row, up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => perRepPollDelayMs(n, 30_000, 300_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000,
    ]);
  });
  it('a maximum below the base leaves the base', () => {
    expect(perRepPollDelayMs(3, 1000, 500)).toBe(1000);
  });
});

describe('where the org poll starts, and whom a finished poll covered', () => {
  const targets = [
    { connectionId: 'a', changesWatermark: 1_000_000 },
    { connectionId: 'b', changesWatermark: 1_060_000 },
  ];
  it('a look-back before the oldest watermark', () => {
    expect(orgPollStart(targets, 120_000)).toBe(880_000);
  });
  it('a connection whose look-back starts before the poll started (it went live meanwhile) is not covered', () => {
    expect(coveredByPoll(targets, 880_000, 120_000)).toEqual(['a', 'b']);
    expect(coveredByPoll([...targets, { connectionId: 'late', changesWatermark: 900_000 }], 880_000, 120_000)).toEqual([
      'a',
      'b',
    ]);
  });
});
