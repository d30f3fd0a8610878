export interface RetryPolicy {
  /** Attempts in all, the first included; never unbounded. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` until it succeeds, `shouldRetry` says no, or the attempts are spent; waits base,
 * 2×base, 4×base … (capped) in between, or what the error asks for (`retryAfterMs`, capped too).
 * The last error is thrown as is.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (error: unknown) => boolean,
  onRetry: (error: unknown, attempt: number, delayMs: number) => void = () => undefined,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt >= policy.attempts || !shouldRetry(e)) throw e;
      const asked = (e as { retryAfterMs?: unknown }).retryAfterMs;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
      const delayMs = Math.min(typeof asked === 'number' && asked > 0 ? asked : backoff, policy.maxDelayMs);
      onRetry(e, attempt, delayMs);
      await wait(delayMs);
    }
  }
}
