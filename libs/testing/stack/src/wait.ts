import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one polling loop of the harness: calls `attempt` every `intervalMs` until it reports done,
 * and at least once; after `timeoutMs` rejects with what `timedOut` makes of the last error.
 */
async function poll<T>(
  attempt: () => Promise<{ done: true; value: T } | { done: false; error?: unknown }>,
  timeoutMs: number,
  intervalMs: number,
  timedOut: (last: unknown) => Error,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const result = await attempt();
    if (result.done) return result.value;
    if ('error' in result) last = result.error;
    if (Date.now() >= deadline) throw timedOut(last);
    await sleep(intervalMs);
  }
}

/**
 * Polls `probe` until it returns a value other than undefined or false; a probe that throws is
 * tried again, and its last error is named on timeout.
 */
export function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  return poll<T>(
    async () => {
      try {
        const value = await probe();
        return value === undefined || value === false ? { done: false } : { done: true, value };
      } catch (error) {
        return { done: false, error };
      }
    },
    timeoutMs,
    intervalMs,
    (last) => new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`),
  );
}

/**
 * Retries `check` (which throws, e.g. a failed expect) until it passes; on timeout throws its last
 * error, so the failure shows what each side held last.
 */
export function eventually<T>(what: string, check: () => Promise<T>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  return poll<T>(
    async () => {
      try {
        return { done: true, value: await check() };
      } catch (error) {
        return { done: false, error };
      }
    },
    timeoutMs,
    intervalMs,
    (last) => {
      const error = last instanceof Error ? last : new Error(String(last));
      error.message = `${what}: not within ${timeoutMs / 1000} s.\n${error.message}`;
      return error;
    },
  );
}
