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
 * Sent now, a write to a task changed since the link's last read would overwrite an edit the rules
 * have not judged. (Sales Connect's writes get the same from `If-Match`.)
 */
export function mustHoldSfdcWrite(taskModstampMs: number | undefined, lastSeenSfdc: string | null): boolean {
  return taskModstampMs !== undefined && taskModstampMs > (lastSeenSfdc ? Date.parse(lastSeenSfdc) : 0);
}

export interface HeldWrite {
  waitedMs: number;
  /** Direct reads of its target made for it so far, and when the last one was (ms), if any. */
  reads: number;
  lastReadAtMs: number | null;
  nowMs: number;
}

export type HeldWriteDecision = { kind: 'wait' } | { kind: 'read' } | { kind: 'fail'; reason: string };

/**
 * Never sent blind. Past `readAfterMs` (the ingest lags, is down, or never publishes the change, e.g.
 * an unsynced field) the target is read and decided like any change; `maxReads` bounds the reads.
 */
export function decideHeldWrite(
  held: HeldWrite,
  policy: HeldWritePolicy = DEFAULT_HELD_WRITE_POLICY,
): HeldWriteDecision {
  if (held.waitedMs < policy.readAfterMs) return { kind: 'wait' };
  if (held.lastReadAtMs !== null && held.nowMs - held.lastReadAtMs < policy.readEveryMs) return { kind: 'wait' };
  if (held.reads >= policy.maxReads)
    return { kind: 'fail', reason: `its target still changed after each of ${held.reads} reads` };
  return { kind: 'read' };
}

/** Direct reads made for one held write so far, and when the last one was (ms). */
export interface HeldWriteReads {
  reads: number;
  lastReadAtMs: number;
}

/** After it, a read counts and is timed, a failed write is forgotten (null), a waiting one stays. */
export function judgeHeldWrite(
  seen: HeldWriteReads | undefined,
  waited: { waitedMs: number; nowMs: number },
  policy: HeldWritePolicy = DEFAULT_HELD_WRITE_POLICY,
): { decision: HeldWriteDecision; remember: HeldWriteReads | null } {
  const decision = decideHeldWrite(
    { ...waited, reads: seen?.reads ?? 0, lastReadAtMs: seen?.lastReadAtMs ?? null },
    policy,
  );
  if (decision.kind === 'read')
    return { decision, remember: { reads: (seen?.reads ?? 0) + 1, lastReadAtMs: waited.nowMs } };
  if (decision.kind === 'fail') return { decision, remember: null };
  return { decision, remember: seen ?? null };
}

/**
 * - `read-first`: a create the link knows (an upsert takes no condition); a status update in an org
 *   with record types (the read answers the record type, which picks the status value);
 * - `by-external-id`: our create may have landed with its answer lost, and been edited since;
 * - `if-unmodified-since`: Salesforce answers 412 when the task changed since;
 * - `wait-for-read`: an update by id while the link itself knows the task changed after the last
 *   change it read (nothing read yet, or the sync's own last write not read back): the 412 is certain,
 *   so it waits for the read without spending a call on it;
 * - `none`: a create of a new task, a delete (it wins over edits, R6).
 */
export type SfdcWriteGuard = 'read-first' | 'by-external-id' | 'if-unmodified-since' | 'wait-for-read' | 'none';

/** What the link knows of its task in Salesforce: its id once created there, the last change read, the sync's own last write. */
export interface SfdcLinkState {
  sfdcTaskId: string | null;
  salesConnectTaskId: string | null;
  /** SystemModstamp of the newest Salesforce change the link applied (null or the epoch: none yet). */
  lastSeenSfdc: string | null;
  /** SystemModstamp read right after the sync's own last write there (TaskLink.sfdcWrittenAt). */
  sfdcWrittenAt: string | null;
  /** The task went on one side (a delete, a reassignment): the link reads nothing more, so nothing is waited for. */
  unlinked: boolean;
}

/**
 * The task changed after the last change read, by the sync's own hand: every task has a stamp after
 * the epoch, and a write stamped after the last read is newer than it. (Stamps are whole seconds: a
 * write in the second read is not counted here, so `If-Unmodified-Since` judges that case.)
 */
function changedSinceLastRead(ids: SfdcLinkState): boolean {
  // A link made from the other side holds the epoch until its first Salesforce read.
  const nothingRead = !ids.lastSeenSfdc || Date.parse(ids.lastSeenSfdc) <= 0;
  return (
    nothingRead || mustHoldSfdcWrite(ids.sfdcWrittenAt ? Date.parse(ids.sfdcWrittenAt) : undefined, ids.lastSeenSfdc)
  );
}

export function guardOfSfdcWrite(
  write: { kind: 'create' | 'update' | 'delete' | 'none'; setsStatus: boolean },
  ids: SfdcLinkState | undefined,
  orgHasRecordTypes: boolean,
): SfdcWriteGuard {
  if (ids?.sfdcTaskId && !ids.unlinked && write.kind === 'update' && changedSinceLastRead(ids)) return 'wait-for-read';
  if (
    ids?.sfdcTaskId &&
    (write.kind === 'create' || (orgHasRecordTypes && write.kind === 'update' && write.setsStatus))
  )
    return 'read-first';
  if (write.kind !== 'update') return 'none';
  if (ids?.sfdcTaskId) return 'if-unmodified-since';
  return ids?.salesConnectTaskId ? 'by-external-id' : 'none';
}
