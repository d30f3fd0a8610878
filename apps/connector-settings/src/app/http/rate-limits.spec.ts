import { RateLimitedException, RateLimits, type RateLimitSettings } from './rate-limits';

const settings: RateLimitSettings = {
  windowSeconds: 60,
  connectPerUser: 2,
  connectPerAddress: 3,
  callbackPerUser: 2,
  callbackPerAddress: 3,
  authFailuresPerAddress: 2,
  authFailureBlockSeconds: 300,
};

const refusal = async (p: Promise<void>): Promise<RateLimitedException | null> => {
  try {
    await p;
    return null;
  } catch (e) {
    if (e instanceof RateLimitedException) return e;
    throw e;
  }
};

describe('RateLimits', () => {
  it('allows the limit per key and window, then answers 429 with the seconds to wait; other keys are not affected', async () => {
    const limits = new RateLimits(settings);
    expect(await refusal(limits.take('connect-by-user', 't/alice'))).toBeNull();
    expect(await refusal(limits.take('connect-by-user', 't/alice'))).toBeNull();
    const third = await refusal(limits.take('connect-by-user', 't/alice'));
    expect(third?.getStatus()).toBe(429);
    expect(third?.getResponse()).toMatchObject({
      error: 'RATE_LIMITED',
      message: expect.stringContaining('this user'),
    });
    expect(third?.retryAfterSeconds).toBeGreaterThan(0);
    expect(third?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await refusal(limits.take('connect-by-user', 't/bob'))).toBeNull();
    // Buckets count apart: alice's address still has room.
    expect(await refusal(limits.take('connect-by-address', '10.0.0.1'))).toBeNull();
  });

  it('failed authentications block the address for the block time, even before the next failure', async () => {
    const limits = new RateLimits(settings);
    await limits.take('auth-failures-by-address', '10.0.0.9');
    await limits.take('auth-failures-by-address', '10.0.0.9');
    expect(await refusal(limits.refuseIfOver('auth-failures-by-address', '10.0.0.9'))).toBeNull();
    const crossing = await refusal(limits.take('auth-failures-by-address', '10.0.0.9'));
    expect(crossing?.retryAfterSeconds).toBeGreaterThan(60); // the block, not the window
    const blocked = await refusal(limits.refuseIfOver('auth-failures-by-address', '10.0.0.9'));
    expect(blocked?.retryAfterSeconds).toBeGreaterThan(290);
    expect(await refusal(limits.refuseIfOver('auth-failures-by-address', '10.0.0.10'))).toBeNull();
  });
});
