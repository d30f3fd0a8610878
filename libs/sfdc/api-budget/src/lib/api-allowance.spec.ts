import {
  admissionLimit,
  bucketStartOf,
  decideCallAdmission,
  firstCountedBucket,
  resolveAllocation,
} from './api-allowance';

describe('resolveAllocation', () => {
  it.each([
    [
      'an admin allocation wins over the default',
      { adminAllocated: 2_000, orgLimit: 100_000 },
      { allocated: 2_000, source: 'admin' },
    ],
    [
      'an admin allocation of 0 stops the sync calling the org',
      { adminAllocated: 0, orgLimit: 100_000 },
      { allocated: 0, source: 'admin' },
    ],
    [
      'without one, the default is the share of the limit last read from Sforce-Limit-Info',
      { adminAllocated: null, orgLimit: 15_000 },
      { allocated: 7_500, source: 'default' },
    ],
    [
      'the default rounds down: never a call over the share',
      { adminAllocated: null, orgLimit: 1_001 },
      { allocated: 500, source: 'default' },
    ],
    [
      'with neither, there is no allocation yet',
      { adminAllocated: null, orgLimit: null },
      { allocated: null, source: 'none' },
    ],
  ])('%s', (_rule, input, expected) => {
    expect(resolveAllocation({ ...input, defaultShare: 0.5 })).toEqual(expected);
  });
});

describe('decideCallAdmission', () => {
  it.each([
    ['a call goes while our calls are under the allocation', { used: 98, allocated: 100 }, 1, 'write', 'go'],
    ['our calls reaching the allocation hold the next call', { used: 100, allocated: 100 }, 0, 'write', 'refuse'],
    ['calls this process has not reported yet count too', { used: 95, allocated: 100 }, 5, 'write', 'refuse'],
    ['an allocation of 0 holds every call', { used: 0, allocated: 0 }, 0, 'write', 'refuse'],
    ['an allocation of 0 holds every read', { used: 0, allocated: 0 }, 0, 'read', 'refuse'],
    ['no allocation (no limit read yet) holds nothing', { used: 5_000, allocated: null }, 9, 'read', 'go'],
    ['an org not known yet is not held (fail open; the org-wide guard remains)', undefined, 50, 'read', 'go'],
    [
      'reads stop short of the allocation: its last 5 % are the writes’',
      { used: 95, allocated: 100 },
      0,
      'read',
      'refuse',
    ],
    ['a write still goes in the reads’ reserve', { used: 95, allocated: 100 }, 0, 'write', 'go'],
    ['a read goes under the reserve', { used: 94, allocated: 100 }, 0, 'read', 'go'],
    [
      'a small allocation keeps at least a write flush’s calls for writes (5: nothing cached)',
      { used: 5, allocated: 10 },
      0,
      'read',
      'refuse',
    ],
    ['a read goes under that reserve', { used: 4, allocated: 10 }, 0, 'read', 'go'],
    ['an allocation smaller than the reserve holds every read', { used: 0, allocated: 3 }, 0, 'read', 'refuse'],
    ['and leaves it all to writes', { used: 2, allocated: 3 }, 0, 'write', 'go'],
  ] as const)('%s', (_rule, allowance, unreported, priority, expected) => {
    expect(decideCallAdmission(allowance, unreported, priority)).toBe(expected);
  });

  it('a write reserve of 5 % of a default Enterprise allocation', () => {
    expect(admissionLimit(50_000, 'read')).toBe(47_500);
    expect(admissionLimit(50_000, 'write')).toBe(50_000);
  });
});

describe('the rolling window', () => {
  const MIN5 = 300_000;
  const DAY = 86_400_000;

  it('a call is counted in the bucket its time falls in', () => {
    expect(bucketStartOf(Date.parse('2026-03-01T10:07:59.999Z'), MIN5)).toBe(Date.parse('2026-03-01T10:05:00.000Z'));
    expect(bucketStartOf(Date.parse('2026-03-01T10:10:00.000Z'), MIN5)).toBe(Date.parse('2026-03-01T10:10:00.000Z'));
  });

  it('the oldest counted bucket is the one holding the instant 24 hours ago: a straddling bucket counts whole', () => {
    const at = Date.parse('2026-03-02T10:07:00.000Z');
    expect(firstCountedBucket(at, DAY, MIN5)).toBe(Date.parse('2026-03-01T10:05:00.000Z'));
  });
});
