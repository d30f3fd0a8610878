import { withLeaseRenewed } from './read-lease';

describe('a read step renews its lease every third of it while it runs, for at most maxMs', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const stepOf = (ms: number) => () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), ms));

  it('renews every third of the lease until the step ends, then never again', async () => {
    const renew = jest.fn(async () => undefined);
    const running = withLeaseRenewed(9_000, renew, stepOf(20_000));
    await jest.advanceTimersByTimeAsync(20_000);
    await expect(running).resolves.toBe('done');
    expect(renew).toHaveBeenCalledTimes(6); // at 3, 6, …, 18 s
    await jest.advanceTimersByTimeAsync(30_000);
    expect(renew).toHaveBeenCalledTimes(6);
  });

  it('a step shorter than a third of the lease renews nothing', async () => {
    const renew = jest.fn(async () => undefined);
    const running = withLeaseRenewed(9_000, renew, stepOf(2_000));
    await jest.advanceTimersByTimeAsync(2_000);
    await running;
    expect(renew).not.toHaveBeenCalled();
  });

  it('a step stuck past maxMs stops renewing, so its lease runs out', async () => {
    const renew = jest.fn(async () => undefined);
    void withLeaseRenewed(9_000, renew, () => new Promise<never>(() => undefined), undefined, 10_000);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(renew).toHaveBeenCalledTimes(3); // at 3, 6 and 9 s
  });

  it('a failed renewal is told and the next third tries again; the step’s own error is the one thrown', async () => {
    const failures: unknown[] = [];
    const renew = jest.fn().mockRejectedValueOnce(new Error('database down')).mockResolvedValue(undefined);
    const running = withLeaseRenewed(
      3_000,
      renew,
      () => new Promise((_, reject) => setTimeout(() => reject(new Error('step failed')), 2_500)),
      (e) => failures.push(e),
    );
    const settled = expect(running).rejects.toThrow('step failed');
    await jest.advanceTimersByTimeAsync(2_500);
    await settled;
    expect(renew).toHaveBeenCalledTimes(2);
    expect(failures).toEqual([new Error('database down')]);
  });
});
