import { withRetry } from './with-retry';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

function failing(times: number, error: unknown = new Error('503')) {
  let calls = 0;
  const call = async () => {
    calls++;
    if (calls <= times) throw error;
    return 'ok';
  };
  return { call, calls: () => calls };
}

describe('withRetry', () => {
  it('retries with doubling, capped delays until the call succeeds', async () => {
    const waits: number[] = [];
    const f = failing(3);
    await expect(withRetry(f.call, policy, () => true, undefined, async (ms) => void waits.push(ms))).resolves.toBe('ok');
    expect(f.calls()).toBe(4);
    expect(waits).toEqual([100, 200, 300]);
  });

  it('gives up after the bounded attempts, throwing the last error', async () => {
    const f = failing(10);
    await expect(withRetry(f.call, policy, () => true, undefined, async () => undefined)).rejects.toThrow('503');
    expect(f.calls()).toBe(4);
  });

  it('does not retry what shouldRetry refuses', async () => {
    const f = failing(1, new Error('401'));
    await expect(withRetry(f.call, policy, () => false, undefined, async () => undefined)).rejects.toThrow('401');
    expect(f.calls()).toBe(1);
  });

  it("waits what the error asks (Retry-After), within the cap", async () => {
    const waits: number[] = [];
    const f = failing(2, Object.assign(new Error('503'), { retryAfterMs: 1000 }));
    await withRetry(f.call, policy, () => true, undefined, async (ms) => void waits.push(ms));
    expect(waits).toEqual([300, 300]);
  });
});
