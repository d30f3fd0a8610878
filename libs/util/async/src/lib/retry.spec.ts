import { retry, retryDelayMs } from './retry';

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

describe('retry', () => {
  it('retries with doubling, capped delays until the call succeeds', async () => {
    const waits: number[] = [];
    const f = failing(3);
    await expect(retry(f.call, { ...policy, wait: async (ms) => void waits.push(ms) })).resolves.toBe('ok');
    expect(f.calls()).toBe(4);
    expect(waits).toEqual([100, 200, 300]);
  });

  it('gives up after the bounded attempts, throwing the last error as it was', async () => {
    const error = new Error('503');
    const f = failing(10, error);
    await expect(retry(f.call, { ...policy, wait: async () => undefined })).rejects.toBe(error);
    expect(f.calls()).toBe(4);
  });

  it('does not retry what shouldRetry refuses, and throws that error', async () => {
    const refused = new Error('401');
    const f = failing(1, refused);
    await expect(retry(f.call, { ...policy, shouldRetry: () => false, wait: async () => undefined })).rejects.toBe(
      refused,
    );
    expect(f.calls()).toBe(1);
  });

  it('tells onRetry each failure, its attempt and the wait, and awaits it before waiting', async () => {
    const seen: string[] = [];
    const f = failing(2);
    await retry(f.call, {
      ...policy,
      onRetry: async (e, attempt, delayMs) =>
        void seen.push(`retry ${attempt} after ${(e as Error).message} in ${delayMs}`),
      wait: async (ms) => void seen.push(`wait ${ms}`),
    });
    expect(seen).toEqual(['retry 1 after 503 in 100', 'wait 100', 'retry 2 after 503 in 200', 'wait 200']);
  });

  it('retries a TypeError like any failure (a library may throw one for a dropped socket)', async () => {
    const f = failing(2, new TypeError('fetch failed'));
    await expect(retry(f.call, { ...policy, wait: async () => undefined })).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
  });

  it('passes the attempt number to the call', async () => {
    const attempts: number[] = [];
    await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error('again');
      },
      { ...policy, wait: async () => undefined },
    );
    expect(attempts).toEqual([1, 2, 3]);
  });
});

describe('retryDelayMs', () => {
  it('waits what the error asks (Retry-After) instead of the backoff, within the cap', () => {
    expect(retryDelayMs(Object.assign(new Error(), { retryAfterMs: 50 }), 3, policy)).toBe(50);
    expect(retryDelayMs(Object.assign(new Error(), { retryAfterMs: 1000 }), 1, policy)).toBe(300);
    expect(retryDelayMs(new Error(), 1, policy)).toBe(100);
    expect(retryDelayMs(null, 2, policy)).toBe(200);
  });
});
