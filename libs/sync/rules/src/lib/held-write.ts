/** How long a write waits for the ingest to bring the change it would overwrite, and how often its target is read itself. */
export interface HeldWritePolicy {
  /** Waited this long since it was queued, the write's target is read directly instead. */
  readAfterMs: number;
  /** At most one direct read of a target this often, while its write is still held. */
  readEveryMs: number;
  /** Still held after this many direct reads: the write fails (retried on the failed-write schedule). */
  maxReads: number;
}

export const DEFAULT_HELD_WRITE_POLICY: HeldWritePolicy = { readAfterMs: 10_000, readEveryMs: 5_000, maxReads: 10 };

/**
 * A Salesforce write waits while its task changed after the last Salesforce change the link read
 * (its SystemModstamp is newer): sent now, it would overwrite a person's edit the rules have not
 * judged. Sales Connect's writes get the same from `If-Match` on the version the link knows.
 */
export function mustHoldSfdcWrite(taskModstampMs: number | undefined, lastSeenSfdc: string | null): boolean {
  return taskModstampMs !== undefined && taskModstampMs > (lastSeenSfdc ? Date.parse(lastSeenSfdc) : 0);
}

/** What the flusher knows of one held write. */
export interface HeldWrite {
  /** Since the write was queued. */
  waitedMs: number;
  /** Direct reads of its target made for it so far, and when the last one was (ms), if any. */
  reads: number;
  lastReadAtMs: number | null;
  nowMs: number;
}

export type HeldWriteDecision = { kind: 'wait' } | { kind: 'read' } | { kind: 'fail'; reason: string };

/**
 * A write held because its target changed after the last change the link read (a person's edit the
 * ingest has not brought yet) is never sent blind: the edit would be overwritten by an older one and
 * lost. It waits for the ingest; past `readAfterMs` (the ingest lags, is down, or never publishes the
 * change, e.g. an unsynced field) the target is read directly and decided by the rules like any
 * change, which lets the write go with the values agreed then. A target that keeps changing under
 * every read fails the write after `maxReads`, so the reads stay bounded.
 */
export function decideHeldWrite(held: HeldWrite, policy: HeldWritePolicy = DEFAULT_HELD_WRITE_POLICY): HeldWriteDecision {
  if (held.waitedMs < policy.readAfterMs) return { kind: 'wait' };
  if (held.lastReadAtMs !== null && held.nowMs - held.lastReadAtMs < policy.readEveryMs) return { kind: 'wait' };
  if (held.reads >= policy.maxReads) return { kind: 'fail', reason: `its target still changed after each of ${held.reads} reads` };
  return { kind: 'read' };
}
