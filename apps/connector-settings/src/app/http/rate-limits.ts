import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** The limits, from the config (README: "Rate limits"). Counted per replica, in memory. */
export interface RateLimitSettings {
  windowSeconds: number;
  connectPerUser: number;
  connectPerAddress: number;
  callbackPerUser: number;
  callbackPerAddress: number;
  authFailuresPerAddress: number;
  authFailureBlockSeconds: number;
}

export type RateLimitBucket =
  'connect-by-user' | 'connect-by-address' | 'callback-by-user' | 'callback-by-address' | 'auth-failures-by-address';

/** 429 in the API's error shape; the exception filter adds `Retry-After`. */
export class RateLimitedException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(
      { error: 'RATE_LIMITED', message: `too many ${what}; try again in ${retryAfterSeconds} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

const WHAT: Record<RateLimitBucket, string> = {
  'connect-by-user': 'Salesforce connect requests for this user',
  'connect-by-address': 'Salesforce connect requests from this address',
  'callback-by-user': 'Salesforce callbacks for this user',
  'callback-by-address': 'Salesforce callbacks from this address',
  'auth-failures-by-address': 'failed authentications from this address',
};

/** The address a request came from: Express's `req.ip`, which honours TRUST_PROXY_HOPS. */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Fixed-window counters by key (rate-limiter-flexible); failed authentications also block the address for a while. */
export class RateLimits {
  private readonly limiters: Record<RateLimitBucket, RateLimiterMemory>;

  constructor(settings: RateLimitSettings) {
    const window = (points: number, blockDuration = 0) =>
      new RateLimiterMemory({ points, duration: settings.windowSeconds, blockDuration });
    this.limiters = {
      'connect-by-user': window(settings.connectPerUser),
      'connect-by-address': window(settings.connectPerAddress),
      'callback-by-user': window(settings.callbackPerUser),
      'callback-by-address': window(settings.callbackPerAddress),
      'auth-failures-by-address': window(settings.authFailuresPerAddress, settings.authFailureBlockSeconds),
    };
  }

  async take(bucket: RateLimitBucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes)
        throw new RateLimitedException(Math.max(1, Math.ceil(e.msBeforeNext / 1000)), WHAT[bucket]);
      throw e;
    }
  }

  /** Without counting: RateLimitedException while the key is over its limit (blocked). */
  async refuseIfOver(bucket: RateLimitBucket, key: string): Promise<void> {
    const limiter = this.limiters[bucket];
    const state = await limiter.get(key);
    if (state && state.consumedPoints > limiter.points)
      throw new RateLimitedException(Math.max(1, Math.ceil(state.msBeforeNext / 1000)), WHAT[bucket]);
  }
}
