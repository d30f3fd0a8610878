import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SalesConnectChange } from '@task-sync/salesconnect-client';
import {
  decideChangeOrder,
  isEchoOfOwnCreate,
  judgeUnreceivedChange,
  needsTaskOrder,
  receivesChangeMadeAt,
  type OrderedChange,
} from '@task-sync/sync-rules';
import type { SettingsView } from '@task-sync/data-access-connection-settings';
import { APP_CONFIG, JsonLogger, KafkaPublisher, type OutgoingMessage } from '@task-sync/util-nest';
import { describeError, IngestError, IngestErrorCode } from '../ingest-error';
import { IngestMetrics } from '../ingest.metrics';
import { EnabledConnectionsQuery, ownerKey } from './enabled-connections.query';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';
import { FeedStateRepository, type TaskOrderRecord } from './feed-state.repository';
import { mapChangeToMessage } from './task-changed-event.mapper';

export type ChangeSource = 'webhook' | 'feed';

export interface HandleResult {
  published: number;
  /** Events sent: one per change and enabled connection. */
  events: number;
  /** Already published, by a webhook or an earlier round. */
  duplicates: number;
  /** Their user has no enabled connection (R7: a disabled connection is not read). */
  skipped: number;
  /** The sync's own creates coming back (isEchoOfOwnCreate): recorded as handled, not published. */
  ownCreates: number;
  /** Webhooks waiting for an earlier change of their task (published later, in order). */
  held: number;
  /** Older than a change of the same task already published: never published after it. */
  superseded: number;
  /** No enabled connection receives it, but the settings view does not cover when it was made: judged again later. */
  awaitingSettings: number;
}

export const NOTHING_HANDLED: Readonly<HandleResult> = {
  published: 0,
  events: 0,
  duplicates: 0,
  skipped: 0,
  ownCreates: 0,
  held: 0,
  superseded: 0,
  awaitingSettings: 0,
};

/** Injection token: up to when this service's settings projection holds every setting change (connector-settings' watermark). */
export const SETTINGS_COVERAGE = Symbol('SETTINGS_COVERAGE');
export type SettingsCoverage = Pick<SettingsView, 'covers' | 'coveredUpTo'>;

/** Below Kafka's default 1 MB request limit, whatever the tasks' 64,000-character details. */
const MAX_BATCH_BYTES = 512 * 1024;

type ChangeOutcome =
  | { kind: 'published'; events: number }
  | { kind: 'duplicate' }
  | { kind: 'skipped' }
  | { kind: 'own-create' }
  | { kind: 'awaiting-settings' }
  | { kind: 'held' }
  | { kind: 'superseded' };

interface Waiting {
  changes: SalesConnectChange[];
  source: ChangeSource;
  /** A round that may release changes held past the bound (the feed was read for their gaps first). */
  releaseExpired?: boolean;
  resolve: (result: HandleResult) => void;
  reject: (error: unknown) => void;
}

interface Arrival extends OrderedChange {
  change: SalesConnectChange;
}

/**
 * A sequence and a task's version are remembered only once Kafka acknowledged them. Rounds are
 * serialised, so a webhook and the catch-up never both publish a change; calls that arrive during a
 * round are handled together in the next one, which is what keeps up with a burst of webhooks.
 * Held changes live in memory only: a change is held only while ahead of the catch-up's cursor, so
 * after a restart the catch-up reads it again, in order.
 */
@Injectable()
export class ChangeHandler implements BeforeApplicationShutdown {
  private waiting: Waiting[] = [];
  private draining = false;
  /** Per task, the webhooks waiting for an earlier change of it. */
  private readonly held = new Map<string, Arrival[]>();
  private sweep?: { timer: NodeJS.Timeout; atMs: number };
  private fillGaps: () => Promise<void> = async () => undefined;
  private readonly log?: Logger;

  constructor(
    @Inject(FeedStateRepository) private readonly state: FeedStateRepository,
    @Inject(EnabledConnectionsQuery) private readonly connections: EnabledConnectionsQuery,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
    @Inject(APP_CONFIG)
    private readonly config: Pick<SalesconnectIngestConfig, 'SALESCONNECT_ORDER_HOLD_MS' | 'SYNC_CLIENT_NAME'>,
    @Inject(SETTINGS_COVERAGE) private readonly settings: SettingsCoverage,
    @Inject(JsonLogger) logger?: JsonLogger,
  ) {
    this.log = logger?.child('change-order');
  }

  handle(changes: SalesConnectChange[], source: ChangeSource): Promise<HandleResult> {
    return new Promise<HandleResult>((resolve, reject) => {
      this.waiting.push({ changes, source, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** What reads the feed when a held change reaches the bound (the catch-up, run now). */
  onGap(fill: () => Promise<void>): void {
    this.fillGaps = fill;
  }

  heldCount(): number {
    return [...this.held.values()].reduce((n, h) => n + h.length, 0);
  }

  beforeApplicationShutdown(): void {
    clearTimeout(this.sweep?.timer);
    this.sweep = undefined;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const callers = this.waiting.splice(0, this.waiting.length);
        try {
          const arrivals = callers.flatMap((c) => c.changes.map((change) => ({ change, source: c.source })));
          const outcomes = await this.handleNow(
            arrivals,
            callers.some((c) => c.releaseExpired === true),
          );
          // A change two callers both carried is credited to the first; to the others it is a duplicate.
          const credited = new Set<number>();
          for (const caller of callers) caller.resolve(this.resultFor(caller, outcomes, credited));
        } catch (e) {
          for (const caller of callers) caller.reject(e);
        }
      }
    } finally {
      this.draining = false;
      this.scheduleSweep();
    }
  }

  /** When the oldest held change reaches the bound: read the feed for the gaps, then release what still waits. */
  private scheduleSweep(): void {
    const oldest = Math.min(...[...this.held.values()].flat().map((a) => a.arrivedAtMs));
    if (!Number.isFinite(oldest)) {
      // Every gap filled by itself: no feed read is owed.
      clearTimeout(this.sweep?.timer);
      this.sweep = undefined;
      return;
    }
    const atMs = oldest + this.config.SALESCONNECT_ORDER_HOLD_MS;
    if (this.sweep !== undefined && this.sweep.atMs <= atMs) return;
    clearTimeout(this.sweep?.timer);
    const timer = setTimeout(() => void this.releaseExpired(), Math.max(0, atMs - Date.now()));
    timer.unref();
    this.sweep = { timer, atMs };
  }

  private async releaseExpired(): Promise<void> {
    this.sweep = undefined;
    if (this.held.size === 0) return;
    this.log?.info(
      { held: this.heldCount(), holdMs: this.config.SALESCONNECT_ORDER_HOLD_MS },
      'a change waited the bound for an earlier change of its task: reading the feed for it',
    );
    await this.fillGaps().catch((e: unknown) =>
      this.log?.warn(
        { err: describeError(e) },
        'could not read the feed for a gap: releasing the held changes in order without it',
      ),
    );
    await new Promise<HandleResult>((resolve, reject) => {
      this.waiting.push({ changes: [], source: 'webhook', releaseExpired: true, resolve, reject });
      if (!this.draining) void this.drain();
    }).catch((e: unknown) =>
      this.log?.warn({ err: describeError(e) }, 'releasing held changes failed: the catch-up delivers them'),
    );
  }

  /** Asks connector-settings for its watermark when a change to skip is newer than the view (one ask serves them all; a failed ask is logged by the view). */
  private async coverSettingsFor(unreceived: readonly { change: SalesConnectChange }[]): Promise<void> {
    if (unreceived.length === 0) return;
    await this.settings.covers(Math.max(...unreceived.map(({ change }) => Date.parse(change.occurredAt))));
  }

  private resultFor(caller: Waiting, outcomes: Map<number, ChangeOutcome>, credited: Set<number>): HandleResult {
    const result: HandleResult = { ...NOTHING_HANDLED };
    for (const sequence of new Set(caller.changes.map((c) => c.sequence))) {
      const outcome = outcomes.get(sequence);
      const first = !credited.has(sequence);
      credited.add(sequence);
      if (outcome?.kind === 'published' && first) {
        result.published++;
        result.events += outcome.events;
      } else if (outcome?.kind === 'skipped' && first) result.skipped++;
      else if (outcome?.kind === 'own-create' && first) result.ownCreates++;
      else if (outcome?.kind === 'awaiting-settings' && first) result.awaitingSettings++;
      else if (outcome?.kind === 'held' && first) result.held++;
      else if (outcome?.kind === 'superseded' && first) result.superseded++;
      else result.duplicates++;
    }
    this.metrics.changes.inc({ source: caller.source, outcome: 'published' }, result.published);
    this.metrics.changes.inc({ source: caller.source, outcome: 'duplicate' }, result.duplicates);
    this.metrics.changes.inc({ source: caller.source, outcome: 'skipped' }, result.skipped);
    this.metrics.changes.inc({ source: caller.source, outcome: 'own_create' }, result.ownCreates);
    this.metrics.changes.inc({ source: caller.source, outcome: 'held' }, result.held);
    this.metrics.changes.inc({ source: caller.source, outcome: 'superseded' }, result.superseded);
    this.metrics.changes.inc({ source: caller.source, outcome: 'awaiting_settings' }, result.awaitingSettings);
    return result;
  }

  private async handleNow(
    arrivals: { change: SalesConnectChange; source: ChangeSource }[],
    releaseExpired: boolean,
  ): Promise<Map<number, ChangeOutcome>> {
    // One copy of each change; a change that came by both ways counts as read from the feed (never held).
    const bySequence = new Map<number, { change: SalesConnectChange; source: ChangeSource }>();
    for (const a of arrivals)
      if (bySequence.get(a.change.sequence)?.source !== 'feed') bySequence.set(a.change.sequence, a);
    const unique = [...bySequence.values()];
    const fresh = await this.withState(() => this.state.filterUnpublished(unique.map((a) => a.change.sequence)));
    const outcomes = new Map<number, ChangeOutcome>(unique.map((a) => [a.change.sequence, { kind: 'duplicate' }]));
    const released = await this.putInTaskOrder(
      unique.filter((a) => fresh.has(a.change.sequence)),
      releaseExpired,
      outcomes,
    );
    if (released.length === 0) return outcomes;
    // The sync's own creates coming back are recorded whoever receives them, and never published: no connection is asked for them.
    const ownCreates = new Set(
      released
        .filter(({ change }) => isEchoOfOwnCreate(change, this.config.SYNC_CLIENT_NAME))
        .map(({ change }) => change.sequence),
    );
    const owners = new Map(
      released
        .filter(({ change }) => !ownCreates.has(change.sequence))
        .map(({ change }) => [ownerKey(change), { tenantId: change.tenantId, userId: change.userId }]),
    );
    const byOwner = await this.withState(() => this.connections.byOwner([...owners.values()]));
    const batches: {
      sequences: number[];
      events: number[];
      versions: TaskOrderRecord[];
      messages: OutgoingMessage[];
      bytes: number;
    }[] = [];
    const skipped: TaskOrderRecord[] = [];
    const receivers = new Map(
      released.map(({ change }) => [
        change.sequence,
        (byOwner.get(ownerKey(change)) ?? [])
          .filter((c) => receivesChangeMadeAt(c, Date.parse(change.occurredAt)))
          .map((c) => c.connectionId),
      ]),
    );
    await this.coverSettingsFor(
      released.filter(({ change }) => !ownCreates.has(change.sequence) && receivers.get(change.sequence)?.length === 0),
    );
    for (const { change } of released) {
      const connectionIds = receivers.get(change.sequence) ?? [];
      // Recorded with its batch like a published change (the feed does not bring it again, its task's next version is not held), with no event.
      const ownCreate = ownCreates.has(change.sequence);
      if (!ownCreate && connectionIds.length === 0) {
        // Not recorded: the feed brings it again, and it is judged on a view that holds its time.
        if (judgeUnreceivedChange(Date.parse(change.occurredAt), this.settings.coveredUpTo) === 'await-settings') {
          outcomes.set(change.sequence, { kind: 'awaiting-settings' });
          continue;
        }
        outcomes.set(change.sequence, { kind: 'skipped' });
        skipped.push({ taskId: change.taskId, version: change.task.version, published: false });
        continue;
      }
      // Only webhooks are held: a change released from the hold by a later call came by one.
      const via = bySequence.get(change.sequence)?.source ?? 'webhook';
      const messages = ownCreate ? [] : connectionIds.map((id) => mapChangeToMessage(change, id, via));
      const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0);
      const version = { taskId: change.taskId, version: change.task.version, published: true };
      const last = batches[batches.length - 1];
      if (last === undefined || last.bytes + bytes > MAX_BATCH_BYTES)
        batches.push({ sequences: [change.sequence], events: [messages.length], versions: [version], messages, bytes });
      else {
        last.sequences.push(change.sequence);
        last.events.push(messages.length);
        last.versions.push(version);
        last.messages.push(...messages);
        last.bytes += bytes;
      }
    }
    // Released without a connection: later changes of the task need not wait for them.
    await this.withState(() => this.state.recordTaskVersions(skipped));
    for (const batch of batches) {
      try {
        if (batch.messages.length > 0) await this.publisher.publish(batch.messages);
      } catch (e) {
        throw new IngestError(
          IngestErrorCode.PublishFailed,
          `Kafka did not acknowledge ${batch.messages.length} event(s): ${describeError(e)}`,
          { cause: e },
        );
      }
      // A failure here re-publishes the batch later under the same event ids: consumers drop the copies.
      await this.withState(() => this.state.recordPublished(batch.sequences, batch.versions));
      batch.sequences.forEach((sequence, i) =>
        outcomes.set(
          sequence,
          ownCreates.has(sequence) ? { kind: 'own-create' } : { kind: 'published', events: batch.events[i] },
        ),
      );
    }
    this.countReleasedFromHold(released, bySequence, outcomes);
    return outcomes;
  }

  /** What goes now is in feed order, so each task's changes go in version order. */
  private async putInTaskOrder(
    fresh: { change: SalesConnectChange; source: ChangeSource }[],
    releaseExpired: boolean,
    outcomes: Map<number, ChangeOutcome>,
  ): Promise<Arrival[]> {
    const nowMs = Date.now();
    const byTask = new Map<string, Arrival[]>();
    for (const { change, source } of fresh) {
      const arrival: Arrival = { change, version: change.task.version, arrival: source, arrivedAtMs: nowMs };
      byTask.set(change.taskId, [...(byTask.get(change.taskId) ?? []), arrival]);
    }
    const taskIds = new Set([...byTask.keys(), ...(releaseExpired ? this.held.keys() : [])]);
    if (taskIds.size === 0) return [];
    const pendingOf = (taskId: string) => [...(this.held.get(taskId) ?? []), ...(byTask.get(taskId) ?? [])];
    const states = await this.withState(() =>
      this.state.readTaskOrder(
        [...taskIds].filter((taskId) =>
          needsTaskOrder(
            pendingOf(taskId).map((a) => a.change),
            this.config.SYNC_CLIENT_NAME,
          ),
        ),
      ),
    );
    const released: Arrival[] = [];
    for (const taskId of taskIds) {
      const decision = decideChangeOrder({
        state: states.get(taskId) ?? {},
        pending: pendingOf(taskId),
        nowMs,
        holdMs: this.config.SALESCONNECT_ORDER_HOLD_MS,
        releaseExpired,
      });
      for (const a of decision.superseded) outcomes.set(a.change.sequence, { kind: 'superseded' });
      for (const a of decision.hold) outcomes.set(a.change.sequence, { kind: 'held' });
      if (decision.hold.length > 0) this.held.set(taskId, decision.hold);
      else this.held.delete(taskId);
      released.push(...decision.release);
    }
    return released.sort((a, b) => a.change.sequence - b.change.sequence);
  }

  /** Held webhooks released in a later round have no caller left to count them: counted here. */
  private countReleasedFromHold(
    released: Arrival[],
    arrivedNow: Map<number, unknown>,
    outcomes: Map<number, ChangeOutcome>,
  ): void {
    for (const { change } of released) {
      if (arrivedNow.has(change.sequence)) continue;
      const outcome = outcomes.get(change.sequence)?.kind ?? 'duplicate';
      this.metrics.changes.inc({ source: 'webhook', outcome });
    }
  }

  private async withState<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw new IngestError(IngestErrorCode.StateUnavailable, `PostgreSQL: ${describeError(e)}`, { cause: e });
    }
  }
}
