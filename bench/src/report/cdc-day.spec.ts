import { cdcDay, SAMPLE_CHANGES, SAMPLE_KINDS } from './cdc-day';

describe('cdcDay: events a change × 40 changes a rep a day, for each org size', () => {
  it('scales what a sample delivered to a rep and to orgs, beside the Enterprise allocation', () => {
    const day = cdcDay(
      {
        orgReps: 1000,
        sampledReps: 10,
        changes: { salesforce: 100, salesConnect: 100 },
        eventsDelivered: 230,
        seconds: 42,
      },
      [1, 100, 1000],
    );
    expect(day.eventsPerChange).toBeCloseTo(1.15, 9);
    expect(day.perRepPerDay).toBeCloseTo(46, 9);
    expect(day.perOrg.map((o) => [o.reps, Math.round(o.eventsPerDay), Number(o.shareOfEnterprise.toFixed(4))])).toEqual(
      [
        [1, 46, 0.0018],
        [100, 4600, 0.184],
        [1000, 46_000, 1.84],
      ],
    );
  });

  it('is zero without changes', () => {
    expect(
      cdcDay(
        { orgReps: 1, sampledReps: 0, changes: { salesforce: 0, salesConnect: 0 }, eventsDelivered: 0, seconds: 0 },
        [1],
      ).perRepPerDay,
    ).toBe(0);
  });

  it("samples the steady state's mix, ten changes a side", () => {
    const share = (kind: string) => SAMPLE_KINDS.filter((k) => k === kind).length / SAMPLE_KINDS.length;
    expect([share('create'), share('edit'), share('complete'), share('delete')]).toEqual([0.3, 0.4, 0.2, 0.1]);
  });

  it('changes only tasks the rep made before, and none after its delete', () => {
    const made = new Set<number>();
    const deleted = new Set<number>();
    for (const { kind, task } of SAMPLE_CHANGES) {
      expect(deleted.has(task)).toBe(false);
      if (kind === 'create') made.add(task);
      else expect(made.has(task)).toBe(true);
      if (kind === 'delete') deleted.add(task);
    }
  });
});
