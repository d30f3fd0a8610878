/** How refused writes are tried again: every `intervalMs`, at most `maxAttempts` times in all (the first try included). */
export interface FailedWriteRetryPolicy {
  intervalMs: number;
  maxAttempts: number;
}

/** HubSpot's rhythm: every 30 minutes; 48 attempts cover a day. */
export const DEFAULT_FAILED_WRITE_RETRY: FailedWriteRetryPolicy = { intervalMs: 30 * 60 * 1000, maxAttempts: 48 };

/** A failed task's next step: try the write again at `at`, or stop trying (it stays failed, and shown, until the task changes). */
export type FailedWriteRetryDecision = { kind: 'retry'; at: Date } | { kind: 'give-up' };

/**
 * Tried again whatever the reason (a validation rule, a lock, a permission): it may go away without
 * the task changing. `attempts` includes the first try.
 */
export function decideFailedWriteRetry(
  attempts: number,
  failedAt: Date,
  policy: FailedWriteRetryPolicy = DEFAULT_FAILED_WRITE_RETRY,
): FailedWriteRetryDecision {
  if (attempts >= policy.maxAttempts) return { kind: 'give-up' };
  return { kind: 'retry', at: new Date(failedAt.getTime() + policy.intervalMs) };
}
