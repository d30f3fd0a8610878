import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { TaskRecord } from '../sandbox-records';
import type { FieldDef } from '../sobject-schema';
import { toWholeSecond } from '../sfdc-datetime';
import type { TaskWriteObserver } from '../task.store';
import {
  draftTransactionEvents,
  sealTransaction,
  type DraftEvent,
  type RetainedEvent,
  type TaskWrite,
} from './change-event';

/** Change events are kept 72 hours (CDC guide, "Message Durability"). */
export const RETENTION_MS = 72 * 3_600_000;
/** An Enterprise org without the add-on: 25,000 delivered events a day ("Change Data Capture Allocations"). */
export const DEFAULT_DAILY_DELIVERY_ALLOCATION = 25_000;
/** The sandbox keeps at most this many events per org (oldest dropped first), so benchmarks stay in memory. */
export const MAX_RETAINED_PER_ORG = 100_000;

/** One org's Change Data Capture: the Setup selection, the delivery allocation and the retained stream. */
interface OrgChangeEvents {
  /** Task is selected in Setup → Change Data Capture. */
  taskSelected: boolean;
  dailyDeliveryAllocation: number;
  /** Events delivered to CometD subscribers in the current UTC day of the sandbox clock. */
  delivered: { day: string; count: number };
  /** Retained events, replay id ascending. */
  events: RetainedEvent[];
  /** The highest replay id no longer retained (0: nothing dropped yet). */
  droppedThrough: number;
  /** Writes of the allOrNone transaction in progress, published at its commit. */
  open: TaskWrite[] | null;
  /** Where each open inner transaction (a savepoint) starts in `open`. */
  savepoints: number[];
}

export interface ChangeEventSettings {
  taskSelected: boolean;
  dailyDeliveryAllocation: number;
  deliveredToday: number;
  retainedEvents: number;
  oldestRetainedReplayId: number | null;
  latestReplayId: number | null;
}

export interface ChangeEventsSnapshot {
  nextReplayId: number;
  nextCommitNumber: number;
  orgs: Record<string, Omit<OrgChangeEvents, 'open' | 'savepoints'>>;
}

/** Where a subscription starts: -1 new events only, -2 every retained event, or after a stored replay id. */
export type ReplayFrom = number;

/** Events are kept 72 hours of the sandbox clock, as Salesforce retains them. */
export class ChangeEventBus {
  private readonly orgs = new Map<string, OrgChangeEvents>();
  private readonly listeners = new Set<(orgId: string) => void>();
  // Sandbox-wide counters: one org's replay ids are increasing but not contiguous, as in Salesforce.
  private nextReplayId = 1;
  private nextCommitNumber = 10_000_000_001;

  constructor(
    private readonly clock: SandboxClock,
    /** `taskFieldsOf`: an org's Task fields, which event bodies carry (default: a new org's). */
    private readonly options: {
      dailyDeliveryAllocation?: number;
      maxRetainedPerOrg?: number;
      taskFieldsOf?: (orgId: string) => readonly FieldDef[] | undefined;
    } = {},
  ) {}

  /** The observer an org's TaskStore reports its writes to. */
  observerFor(orgId: string): TaskWriteObserver {
    return {
      written: (previous: TaskRecord | null, next: TaskRecord) => {
        const state = this.state(orgId);
        if (state.open) state.open.push({ previous, next });
        else this.commit(orgId, [{ previous, next }]);
      },
      // Transactions nest as the task store's do: an inner begin is a savepoint, and only the
      // outermost commit publishes (one transaction: one transactionKey, as Salesforce).
      transaction: (phase) => {
        const state = this.state(orgId);
        if (phase === 'begin') {
          if (state.open === null) state.open = [];
          else state.savepoints.push(state.open.length);
          return;
        }
        const mark = state.savepoints.pop();
        if (mark !== undefined) {
          if (phase === 'rollback') state.open?.splice(mark);
          return;
        }
        const writes = state.open ?? [];
        state.open = null;
        if (phase === 'commit') this.commit(orgId, writes);
      },
    };
  }

  /** Called with an org id whenever that org publishes events. */
  onPublish(listener: (orgId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes header-only events (gap and overflow events) as one transaction. */
  publishDrafts(orgId: string, drafts: DraftEvent[]): RetainedEvent[] {
    return this.publish(orgId, drafts);
  }

  settings(orgId: string): ChangeEventSettings {
    const state = this.state(orgId);
    this.expire(state);
    return {
      taskSelected: state.taskSelected,
      dailyDeliveryAllocation: state.dailyDeliveryAllocation,
      deliveredToday: this.delivered(state).count,
      retainedEvents: state.events.length,
      oldestRetainedReplayId: state.events[0]?.replayId ?? null,
      latestReplayId: state.events[state.events.length - 1]?.replayId ?? null,
    };
  }

  configure(
    orgId: string,
    update: { taskSelected?: boolean; dailyDeliveryAllocation?: number; deliveredToday?: number },
  ): ChangeEventSettings {
    const state = this.state(orgId);
    if (update.taskSelected !== undefined) state.taskSelected = update.taskSelected;
    if (update.dailyDeliveryAllocation !== undefined) state.dailyDeliveryAllocation = update.dailyDeliveryAllocation;
    if (update.deliveredToday !== undefined) state.delivered = { day: this.today(), count: update.deliveredToday };
    return this.settings(orgId);
  }

  isTaskSelected(orgId: string): boolean {
    return this.state(orgId).taskSelected;
  }

  /** Where a subscription's cursor starts, or null when the replay id is no longer retained. */
  cursorFor(orgId: string, replayFrom: ReplayFrom): number | null {
    const state = this.state(orgId);
    this.expire(state);
    if (replayFrom === -1) return this.nextReplayId - 1;
    if (replayFrom === -2) return state.droppedThrough;
    // A stored id whose event has left the retention window can no longer be replayed from.
    if (!Number.isInteger(replayFrom) || replayFrom < 0 || replayFrom <= state.droppedThrough) return null;
    return replayFrom;
  }

  /** Retained events after `cursor`, oldest first, at most `limit`. */
  eventsAfter(orgId: string, cursor: number, limit: number): RetainedEvent[] {
    const state = this.state(orgId);
    this.expire(state);
    const events = state.events;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid].replayId <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return events.slice(lo, lo + limit);
  }

  /** Events the org may still deliver today. */
  remainingDeliveries(orgId: string): number {
    const state = this.state(orgId);
    return Math.max(0, state.dailyDeliveryAllocation - this.delivered(state).count);
  }

  countDeliveries(orgId: string, count: number): void {
    this.delivered(this.state(orgId)).count += count;
  }

  clear(): void {
    this.orgs.clear();
    this.nextReplayId = 1;
    this.nextCommitNumber = 10_000_000_001;
  }

  toJSON(): ChangeEventsSnapshot {
    const orgs: ChangeEventsSnapshot['orgs'] = {};
    for (const [orgId, state] of this.orgs) {
      const { taskSelected, dailyDeliveryAllocation, delivered, events, droppedThrough } = state;
      orgs[orgId] = { taskSelected, dailyDeliveryAllocation, delivered, events, droppedThrough };
    }
    return { nextReplayId: this.nextReplayId, nextCommitNumber: this.nextCommitNumber, orgs };
  }

  loadJSON(snapshot: ChangeEventsSnapshot): void {
    this.clear();
    this.nextReplayId = snapshot.nextReplayId;
    this.nextCommitNumber = snapshot.nextCommitNumber;
    for (const [orgId, state] of Object.entries(snapshot.orgs))
      this.orgs.set(orgId, { ...state, open: null, savepoints: [] });
  }

  private commit(orgId: string, writes: TaskWrite[]): void {
    // Salesforce publishes change events only for the entities selected in Setup.
    if (writes.length === 0 || !this.state(orgId).taskSelected) return;
    this.publish(orgId, draftTransactionEvents(writes, this.options.taskFieldsOf?.(orgId)));
  }

  private publish(orgId: string, drafts: DraftEvent[]): RetainedEvent[] {
    const state = this.state(orgId);
    const sealed = sealTransaction(drafts, this.nextCommitNumber++, () => this.nextReplayId++, this.clock.nowMs());
    state.events.push(...sealed);
    this.expire(state);
    for (const listener of this.listeners) listener(orgId);
    return sealed;
  }

  /** Drops what is past 72 hours of the sandbox clock, and the oldest beyond the per-org cap (in slices, to keep writes cheap). */
  private expire(state: OrgChangeEvents): void {
    const events = state.events;
    const cutoff = this.clock.nowMs() - RETENTION_MS;
    let drop = 0;
    while (drop < events.length && events[drop].publishedAt < cutoff) drop++;
    const cap = this.options.maxRetainedPerOrg ?? MAX_RETAINED_PER_ORG;
    if (events.length - drop > cap + Math.ceil(cap / 10)) drop = events.length - cap;
    if (drop === 0) return;
    state.droppedThrough = events[drop - 1].replayId;
    events.splice(0, drop);
  }

  private delivered(state: OrgChangeEvents): { day: string; count: number } {
    const day = this.today();
    if (state.delivered.day !== day) state.delivered = { day, count: 0 };
    return state.delivered;
  }

  /** The allocation counts per UTC day of the sandbox clock (Salesforce's window is a rolling 24 hours). */
  private today(): string {
    return new Date(toWholeSecond(this.clock.nowMs())).toISOString().slice(0, 10);
  }

  private state(orgId: string): OrgChangeEvents {
    let state = this.orgs.get(orgId);
    if (!state) {
      state = {
        taskSelected: true,
        dailyDeliveryAllocation: this.options.dailyDeliveryAllocation ?? DEFAULT_DAILY_DELIVERY_ALLOCATION,
        delivered: { day: '', count: 0 },
        events: [],
        droppedThrough: 0,
        open: null,
        savepoints: [],
      };
      this.orgs.set(orgId, state);
    }
    return state;
  }
}
