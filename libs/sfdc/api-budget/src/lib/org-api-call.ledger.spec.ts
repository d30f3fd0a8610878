import type { OrgApiAllowance } from './api-allowance';
import { ApiAllocationReachedError, OrgApiCallLedger, type ApiCallReport } from './org-api-call.ledger';

const ORG = '00D000000000001AAA';

/** connector-settings in memory: a counter per org and an allocation. */
function fakeSettings(allocated: number | null) {
  const counted = new Map<string, number>();
  const reports: ApiCallReport[][] = [];
  let down = false;
  return {
    reports,
    counted,
    setDown: (value: boolean) => (down = value),
    setAllocated: (value: number | null) => (allocated = value),
    port: {
      report: async (batch: ApiCallReport[]): Promise<OrgApiAllowance[]> => {
        if (down) throw new Error('connect ECONNREFUSED');
        reports.push(batch);
        return batch.map((r) => {
          counted.set(r.orgId, (counted.get(r.orgId) ?? 0) + r.calls);
          return {
            orgId: r.orgId,
            used: counted.get(r.orgId) ?? 0,
            allocated,
            source: allocated === null ? 'none' : 'admin',
          };
        });
      },
    },
  };
}

describe('OrgApiCallLedger', () => {
  let now = 0;
  const ledgerOn = (settings: ReturnType<typeof fakeSettings>, priority: 'read' | 'write' = 'write') =>
    new OrgApiCallLedger(settings.port, { priority, flushMs: 1_000, refreshMs: 10_000, now: () => now });

  beforeEach(() => (now = 1_000_000));

  it('counts each call and reports them in one batch, with the org usage last seen', async () => {
    const settings = fakeSettings(100);
    const ledger = ledgerOn(settings);
    for (let i = 0; i < 3; i++) ledger.admit(ORG);
    ledger.observeUsage(ORG, { used: 40_000, limit: 100_000 });
    await ledger.flush();
    expect(settings.reports).toEqual([[{ orgId: ORG, calls: 3, orgUsage: { used: 40_000, limit: 100_000 } }]]);
    expect(ledger.allowanceOf(ORG)).toEqual({ orgId: ORG, used: 3, allocated: 100, source: 'admin' });
  });

  it('the allocation reached holds the next call, counting calls not reported yet; a held call is not counted', async () => {
    const settings = fakeSettings(5);
    const ledger = ledgerOn(settings);
    ledger.admit(ORG);
    await ledger.flush();
    for (let i = 0; i < 4; i++) ledger.admit(ORG);
    expect(() => ledger.admit(ORG)).toThrow(ApiAllocationReachedError);
    expect(() => ledger.admit(ORG)).toThrow(
      expect.objectContaining({ errorCode: 'API_ALLOCATION_REACHED', used: 5, allocated: 5 }),
    );
    await ledger.flush();
    expect(settings.counted.get(ORG)).toBe(5);
  });

  it('near the allocation a reader is held while a writer still goes: polls leave the last calls to writes', async () => {
    const settings = fakeSettings(20);
    settings.counted.set(ORG, 19); // made by other processes in the window; reads stop at 19 of 20
    const reader = ledgerOn(settings, 'read');
    const writer = ledgerOn(settings, 'write');
    await reader.whenKnown(ORG);
    await writer.whenKnown(ORG);
    expect(() => reader.admit(ORG)).toThrow(ApiAllocationReachedError);
    writer.admit(ORG);
    expect(() => writer.admit(ORG)).toThrow(ApiAllocationReachedError);
  });

  it('a paused org asks again after refreshMs without calls, and goes on once the window frees calls', async () => {
    const settings = fakeSettings(2);
    const ledger = ledgerOn(settings);
    ledger.admit(ORG);
    ledger.admit(ORG);
    await ledger.flush();
    expect(() => ledger.admit(ORG)).toThrow(ApiAllocationReachedError);
    settings.counted.set(ORG, 0); // the rolling window moved past those calls
    now += 5_000;
    await ledger.flush();
    expect(settings.reports).toHaveLength(1); // not asked again before refreshMs
    now += 5_000;
    await ledger.flush();
    expect(settings.reports[1]).toEqual([{ orgId: ORG, calls: 0 }]);
    expect(() => ledger.admit(ORG)).not.toThrow();
  });

  it('calls counted while connector-settings is away are kept and reported with the next batch', async () => {
    const settings = fakeSettings(100);
    const warnings: string[] = [];
    const ledger = new OrgApiCallLedger(settings.port, {
      priority: 'write',
      flushMs: 1_000,
      refreshMs: 10_000,
      now: () => now,
      warn: (m) => warnings.push(m),
    });
    ledger.admit(ORG);
    settings.setDown(true);
    await ledger.flush();
    ledger.admit(ORG);
    settings.setDown(false);
    await ledger.flush();
    expect(settings.counted.get(ORG)).toBe(2);
    expect(warnings).toHaveLength(1);
  });

  it('calls made while a report is in flight are counted against the allocation and reported next', async () => {
    const settings = fakeSettings(3);
    const ledger = ledgerOn(settings);
    ledger.admit(ORG);
    await ledger.flush();
    ledger.admit(ORG);
    const inFlight = ledger.flush();
    ledger.admit(ORG);
    expect(() => ledger.admit(ORG)).toThrow(ApiAllocationReachedError);
    await inFlight;
    await ledger.flush();
    expect(settings.counted.get(ORG)).toBe(3);
  });

  it('an org with no allocation is never held; stop reports what is left', async () => {
    const settings = fakeSettings(null);
    const ledger = ledgerOn(settings);
    ledger.start();
    for (let i = 0; i < 50; i++) ledger.admit(ORG);
    await ledger.stop();
    expect(settings.counted.get(ORG)).toBe(50);
  });

  it("an org's first call waits for its allowance: a process new to a paused org does not call blind", async () => {
    const settings = fakeSettings(3);
    settings.counted.set(ORG, 3); // other replicas used the allocation up
    const ledger = ledgerOn(settings);
    await ledger.whenKnown(ORG);
    expect(() => ledger.admit(ORG)).toThrow(ApiAllocationReachedError);
    await ledger.whenKnown(ORG);
    expect(settings.reports).toHaveLength(1); // known: not asked again
  });

  it('an allowance connector-settings cannot give does not hold the call (fail open)', async () => {
    const settings = fakeSettings(3);
    settings.setDown(true);
    const ledger = new OrgApiCallLedger(settings.port, {
      priority: 'write',
      flushMs: 1_000,
      refreshMs: 10_000,
      now: () => now,
      warn: () => undefined,
    });
    await ledger.whenKnown(ORG);
    expect(() => ledger.admit(ORG)).not.toThrow();
    // Not asked again by every call while it is away: once a refreshMs.
    await ledger.whenKnown(ORG);
    expect(settings.reports).toHaveLength(0);
    settings.setDown(false);
    now += 10_000;
    await ledger.whenKnown(ORG);
    expect(settings.reports).toHaveLength(1);
  });
});
