/**
 * Sales Connect numbers each task's changes (`version`: 1 at the create, no gaps) but its webhooks come
 * at least once and in any order, so a task's changes are published in version order.
 */

/** How a change reached the ingest: a webhook (any order) or the change feed (Sales Connect's order). */
export type ChangeArrival = 'webhook' | 'feed';

export interface OrderedChange {
  /** The task's version after the change: its place in the task's own sequence. */
  version: number;
  arrival: ChangeArrival;
  /** When it reached the ingest (ms): a change held past the bound is released. */
  arrivedAtMs: number;
}

export interface TaskOrderState {
  /** The highest version let through in order (published, or skipped for want of an enabled connection). */
  released?: number;
  /** The highest version published: nothing at or below it is ever published after it. */
  published?: number;
}

export interface ChangeOrderInput<C extends OrderedChange> {
  state: TaskOrderState;
  /** The task's changes waiting to be decided: those held before and those that just arrived. */
  pending: readonly C[];
  nowMs: number;
  /** How long a change may wait for its predecessor (the bound). */
  holdMs: number;
  /** Whether a change past the bound may go without its predecessor: the caller read the feed first. */
  releaseExpired: boolean;
}

export interface ChangeOrderDecision<C extends OrderedChange> {
  release: C[];
  /** To keep until the gap before the first of them fills, or the bound passes. */
  hold: C[];
  /** At or below the published version (or a copy of another pending one): never published. */
  superseded: C[];
}

/**
 * A webhook waits for its predecessor (version − 1), up to the bound. A feed read never waits: the feed
 * is in Sales Connect's order, so what is missing below it is older than anything the ingest read.
 * Versions at or below the published one are superseded: each event carries the whole task.
 */
export function decideChangeOrder<C extends OrderedChange>(input: ChangeOrderInput<C>): ChangeOrderDecision<C> {
  const { state, nowMs, holdMs, releaseExpired } = input;
  const superseded: C[] = [];
  const byVersion = new Map<number, C>();
  for (const change of input.pending) {
    const copy = byVersion.get(change.version);
    if (change.version <= (state.published ?? 0)) superseded.push(change);
    else if (copy === undefined) byVersion.set(change.version, change);
    else {
      // Two copies of one change (a webhook retried, the feed): keep the feed's, which never waits.
      const keep = copy.arrival === 'feed' ? copy : change;
      byVersion.set(change.version, keep);
      superseded.push(keep === copy ? change : copy);
    }
  }
  const ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);
  const release: C[] = [];
  let expected = (state.released ?? 0) + 1;
  for (let i = 0; i < ordered.length; i++) {
    const change = ordered[i];
    const inOrder = change.version <= expected;
    const feedAhead = ordered.slice(i).some((c) => c.arrival === 'feed');
    // A later change that waited the bound for this gap takes the ones below it along: holding them
    // would hold it too, and the caller would read the feed again and again until they expire.
    const expired = releaseExpired && ordered.slice(i).some((c) => nowMs - c.arrivedAtMs >= holdMs);
    if (!inOrder && !feedAhead && !expired) return { release, hold: ordered.slice(i), superseded };
    release.push(change);
    expected = Math.max(expected, change.version + 1);
  }
  return { release, hold: [], superseded };
}
