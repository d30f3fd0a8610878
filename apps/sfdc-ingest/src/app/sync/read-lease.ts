/** A step still running this long stops renewing its lease: a stuck one holds its connection (or org) no longer. */
export const MAX_RENEWED_STEP_MS = 5 * 60_000;

/**
 * Runs a read step while renewing its lease every third of `leaseMs`, so the lease can be short (a
 * replica killed mid-step has its reads taken over within it) and a slow step (Salesforce retries, a
 * broker down under a publish) still keeps it. Renewing stops when the step ends or after `maxMs`;
 * a renewal that fails is told to `onRenewFailed` and tried again at the next third.
 */
export async function withLeaseRenewed<T>(
  leaseMs: number,
  renew: () => Promise<unknown>,
  step: () => Promise<T>,
  onRenewFailed: (error: unknown) => void = () => undefined,
  maxMs = MAX_RENEWED_STEP_MS,
): Promise<T> {
  const startedAt = Date.now();
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      if (Date.now() - startedAt >= maxMs) return clearInterval(timer);
      renewing = renewing.then(renew).catch(onRenewFailed);
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  try {
    return await step();
  } finally {
    clearInterval(timer);
    // A renewal in flight lands before the caller releases the lease, never after it.
    await renewing;
  }
}
