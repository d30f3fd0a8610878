import type { Change, ChangeType } from './change.model';
import { decodeCursor, encodeCursor } from './feed-cursor';
import type { Task } from './task.model';
import { DEFAULT_TENANT_ID } from './user.store';

export interface FeedState {
  lastSequence: number;
  /** Highest sequence dropped by retention (or by a reset): older cursors have missed changes. */
  prunedThroughSequence: number;
  changes: Change[];
}

export type FeedPage =
  { ok: true; changes: Change[]; nextCursor: string } | { ok: false; error: 'INVALID_CURSOR' | 'CURSOR_EXPIRED' };

/** A cursor from before the retention gets CURSOR_EXPIRED, so a reader knows it missed changes. */
export class ChangeFeed {
  private state: FeedState = { lastSequence: 0, prunedThroughSequence: 0, changes: [] };

  constructor(private readonly retentionMs: number) {}

  append(
    entry: { type: ChangeType; task: Task; tenantId: string; origin: string; changedFields?: string[] },
    now: Date,
  ): Change {
    const sequence = ++this.state.lastSequence;
    const change: Change = {
      cursor: encodeCursor('changes', sequence),
      sequence,
      type: entry.type,
      taskId: entry.task.id,
      tenantId: entry.tenantId,
      userId: entry.task.ownerId,
      occurredAt: now.toISOString(),
      origin: entry.origin,
      ...(entry.changedFields === undefined ? {} : { changedFields: entry.changedFields }),
      task: entry.task,
    };
    this.state.changes.push(change);
    return change;
  }

  /** One user's changes (null: every user's) after `cursor` (from the oldest kept when absent). */
  read(userId: string | null, cursor: string | undefined, limit: number, nowMs: number): FeedPage {
    this.prune(nowMs);
    let after = this.state.prunedThroughSequence;
    if (cursor !== undefined) {
      const decoded = decodeCursor('changes', cursor);
      if (decoded === null || decoded > this.state.lastSequence) return { ok: false, error: 'INVALID_CURSOR' };
      if (decoded < this.state.prunedThroughSequence) return { ok: false, error: 'CURSOR_EXPIRED' };
      after = decoded;
    }
    const page: Change[] = [];
    let scannedThrough = after;
    // Sequences only grow along the array: start at the first one after the cursor (a reader
    // following a feed of 100,000 changes must not rescan them on every page).
    for (let i = this.firstAfter(after); i < this.state.changes.length; i++) {
      const change = this.state.changes[i];
      if (page.length === limit) break;
      scannedThrough = change.sequence;
      if (userId === null || change.userId === userId) page.push(change);
    }
    // The next cursor moves past other users' entries too, so an idle reader never rescans them.
    if (page.length < limit) scannedThrough = this.state.lastSequence;
    return { ok: true, changes: page, nextCursor: encodeCursor('changes', scannedThrough) };
  }

  /** Every kept change of every user (admin inspection). */
  all(nowMs: number): Change[] {
    this.prune(nowMs);
    return [...this.state.changes];
  }

  dump(): FeedState {
    return { ...this.state, changes: [...this.state.changes] };
  }

  /** Changes of snapshots written before tenants existed were the default tenant's. */
  load(state: FeedState): void {
    this.state = { ...state, changes: state.changes.map((c) => ({ ...c, tenantId: c.tenantId ?? DEFAULT_TENANT_ID })) };
  }

  /** Empties the feed but keeps the sequence growing, so cursors from before the reset expire. */
  clear(): void {
    this.state = { lastSequence: this.state.lastSequence, prunedThroughSequence: this.state.lastSequence, changes: [] };
  }

  /** The index of the first kept change whose sequence is above `sequence` (binary search). */
  private firstAfter(sequence: number): number {
    let low = 0;
    let high = this.state.changes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.state.changes[mid].sequence <= sequence) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private prune(nowMs: number): void {
    const oldestKeptMs = nowMs - this.retentionMs;
    while (this.state.changes.length > 0 && Date.parse(this.state.changes[0].occurredAt) < oldestKeptMs) {
      this.state.prunedThroughSequence = this.state.changes.shift()?.sequence ?? this.state.prunedThroughSequence;
    }
  }
}
