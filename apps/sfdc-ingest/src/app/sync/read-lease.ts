/** A step still running this long stops renewing its lease: a stuck one holds its connection (or org) no longer. */
export const MAX_RENEWED_STEP_MS = 5 * 60_000;

/**
 * Renewed every third of `leaseMs`, so the lease can be short (a killed replica's reads are taken over
 * soon) while a slow step (Salesforce retries, a broker down) keeps it.
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
