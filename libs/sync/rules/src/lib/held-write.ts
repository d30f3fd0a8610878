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

/**
 * One round's judgement of a held write (decideHeldWrite) on what is remembered of its reads, and
 * what to remember after it: a read counts and is timed, a failed write is forgotten (null), a
 * waiting one stays as it was.
 */
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
 * How a Salesforce write is kept from overwriting a person's change the ingest has not read yet:
 * - `read-first`: the task is read before the write, which is held if it changed after the link's
 *   last read: a create whose task the link knows already (an upsert takes no condition) and, in an
 *   org with Task record types, an update that sets the status (the read also answers the record
 *   type, which picks the status value);
 * - `by-external-id`: an update to a task the link knows only by its Sales Connect id is looked up by
 *   external id first (our create may have landed with its answer lost, and been edited since);
 * - `if-unmodified-since`: any other update goes by id with If-Unmodified-Since the last change read,
 *   and Salesforce refuses it (412) when the task changed since;
 * - `none`: a create of a task not there yet, a delete (it wins over edits, R6), nothing to write.
 */
export type SfdcWriteGuard = 'read-first' | 'by-external-id' | 'if-unmodified-since' | 'none';

export function guardOfSfdcWrite(
  write: { kind: 'create' | 'update' | 'delete' | 'none'; setsStatus: boolean },
  ids: { sfdcTaskId: string | null; salesConnectTaskId: string | null } | undefined,
  orgHasRecordTypes: boolean,
): SfdcWriteGuard {
  if (
    ids?.sfdcTaskId &&
    (write.kind === 'create' || (orgHasRecordTypes && write.kind === 'update' && write.setsStatus))
  )
    return 'read-first';
  if (write.kind !== 'update') return 'none';
  if (ids?.sfdcTaskId) return 'if-unmodified-since';
  return ids?.salesConnectTaskId ? 'by-external-id' : 'none';
}
