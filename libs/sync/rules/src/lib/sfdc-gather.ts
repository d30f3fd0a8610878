/** How a connection's Salesforce writes gather before they go out as one call. */
export interface SfdcGatherPolicy {
  /** The longest the oldest write waits for others to join it. */
  windowMs: number;
  /** Writes stopped arriving this long ago: the gathered ones go. */
  quietMs: number;
  /** What fills one call (writes, or the subrequests they take): waiting longer cannot make it cheaper. */
  maxBatch: number;
}

/** What the queue shows of one connection's due Salesforce writes now. */
export interface SfdcQueueState {
  /** How much of one call the due writes fill, in maxBatch's unit (0: none due). */
  queued: number;
  /** Since the oldest due write was queued. */
  oldestWaitedMs: number;
  /** Since the newest due write was queued: how long ago the last one arrived. */
  newestWaitedMs: number;
  /** Since this connection's Salesforce writes last went out; null when not since this process started. */
  sinceLastSendMs: number | null;
}

export type SfdcGatherDecision =
  { kind: 'send'; reason: 'full-batch' | 'window-reached' | 'was-idle' | 'arrivals-stopped' } | { kind: 'wait' };

/**
 * A call costs the same for one write as for a batch and the org's daily calls are scarce, but a
 * person wants the change across in seconds: an idle connection's write goes at once, a busy one's
 * gather until they stop, the batch is full, or the oldest waited the window.
 */
export function decideSfdcFlush(queue: SfdcQueueState, policy: SfdcGatherPolicy): SfdcGatherDecision {
  if (queue.queued <= 0) return { kind: 'wait' };
  if (queue.queued >= policy.maxBatch) return { kind: 'send', reason: 'full-batch' };
  if (queue.oldestWaitedMs >= policy.windowMs) return { kind: 'send', reason: 'window-reached' };
  if (queue.sinceLastSendMs === null || queue.sinceLastSendMs >= policy.windowMs)
    return { kind: 'send', reason: 'was-idle' };
  if (queue.newestWaitedMs >= policy.quietMs) return { kind: 'send', reason: 'arrivals-stopped' };
  return { kind: 'wait' };
}
