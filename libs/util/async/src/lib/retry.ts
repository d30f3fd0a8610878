import { backOff } from 'exponential-backoff';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Attempts in all, the first included; never unbounded. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Whether a failure is worth another attempt; every failure is when absent. */
  shouldRetry?: (error: unknown) => boolean;
  /** Before each wait: log it (it is awaited). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  /** How to wait (a consumer keeps its lease alive while it waits; tests record the waits). */
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * The wait after failed attempt `attempt` (1-based): base, 2×base, 4×base … capped at maxDelayMs; an
 * error that names a wait of its own (`retryAfterMs`, from a Retry-After header) gets that, capped too.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const asked = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  const backoff = options.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(typeof asked === 'number' && asked > 0 ? asked : backoff, options.maxDelayMs);
}

/**
 * Runs `call` until it succeeds, `shouldRetry` says no, or the attempts are spent, waiting
 * `retryDelayMs` in between; the last error is thrown as it was. exponential-backoff runs the
 * attempts; the waits are ours, because a Retry-After replaces the backoff rather than adding to it.
 */
export function retry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  if (!(options.attempts >= 1)) throw new RangeError(`retry: attempts must be at least 1, got ${options.attempts}`);
  const wait = options.wait ?? sleep;
  let attempt = 0;
  return backOff(() => call(++attempt), {
    numOfAttempts: options.attempts,
    startingDelay: 0,
    retry: async (error: unknown, next: number) => {
      if (next >= options.attempts || (options.shouldRetry && !options.shouldRetry(error))) return false;
      const delayMs = retryDelayMs(error, attempt, options);
      await options.onRetry?.(error, attempt, delayMs);
      await wait(delayMs);
      return true;
    },
  });
}
