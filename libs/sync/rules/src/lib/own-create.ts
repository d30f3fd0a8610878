import type { SyncChange } from './sync-change';

/**
 * How long a deletion waits for the sync's own create of its task to land before it is decided as
 * it stands: past a create's retries (WRITE_MAX_ATTEMPTS, doubling from WRITE_RETRY_BASE_MS) and an
 * import's longest queue, so only a create that will never land lets it go.
 */
export const OWN_CREATE_WAIT_MS = 15 * 60_000;

/** A deletion of a task no link names, as the database showed it after the run looked the task up. */
export interface UnlinkedDeletion {
  /** A create of the connection on the deleted task's side is queued and has not landed. */
  createInFlight: boolean;
  /** A link names the task now: a create landed after the run looked it up. */
  linkedNow: boolean;
  /** How long the deletion has already waited (0 the first time it is decided). */
  waitedMs: number;
}

/**
 * R6: the deletions `mustAwaitOwnCreate` judges: of a task no link names, not made by the sync. The
 * sync's own deletes coming back (their origin ours, as the stream and Sales Connect say) are decided
 * at once: under load a create is nearly always in flight, and they would wait for nothing.
 */
export function isUnlinkedDeletion(
  change: Pick<SyncChange, 'kind' | 'origin'>,
  linked: boolean,
  ourOrigin: string,
): boolean {
  return change.kind === 'delete' && !linked && change.origin !== ourOrigin;
}

/**
 * R6 (a delete deletes the other side): the task may be the sync's own copy, created on its side by
 * a write round that has not stored its id yet (the round stores it when it commits, after the call;
 * a create whose answer was lost stores it only when a retry lands). Decided now, the deletion would
 * be ignored as never paired and the other side's task would stay. So it waits while a create of
 * that side is in flight, or when a link names the task by now, and is decided again once the
 * create landed; a create that never lands lets it go after OWN_CREATE_WAIT_MS.
 */
export function mustAwaitOwnCreate(deletion: UnlinkedDeletion): boolean {
  if (deletion.waitedMs >= OWN_CREATE_WAIT_MS) return false;
  return deletion.createInFlight || deletion.linkedNow;
}

/** A Sales Connect change as its feed and webhooks name it: its type and the app that made it. */
export interface SalesConnectChangeMade {
  type: string;
  origin: string;
}

/**
 * R6 without echo loops: the sync's own Sales Connect create coming back says nothing its answer did
 * not (the task's id, version and time, stored when the create lands), so it is not published. Decided,
 * it was ignored anyway (`own-write`) or only confirmed what the link assumed; it was about a
 * quarter of an import's CPU. Every other change of ours still goes (an update's echo clears what
 * the link waits for).
 */
export function isEchoOfOwnCreate(change: SalesConnectChangeMade, ourOrigin: string): boolean {
  return change.type === 'created' && change.origin === ourOrigin;
}

/**
 * R6 without echo loops, in order: a task's stored order (which of its versions went, and which
 * were published) only decides what is published next. When every change of the task waiting to go
 * is the sync's own create coming back, none of them is published whatever came before, so the
 * ingest neither reads that order nor asks whose connection receives them: an import's echoes cost
 * the two statements that record them, not four.
 */
export function needsTaskOrder(pending: readonly SalesConnectChangeMade[], ourOrigin: string): boolean {
  return pending.some((change) => !isEchoOfOwnCreate(change, ourOrigin));
}
