import { Inject, Injectable } from '@nestjs/common';
import type { SalesConnectChange } from '@task-sync/salesconnect-client';
import { receivesChangeMadeAt } from '@task-sync/sync-rules';
import { KafkaPublisher, type OutgoingMessage } from '@task-sync/util-nest';
import { describeError, IngestError, IngestErrorCode } from '../ingest-error';
import { IngestMetrics } from '../ingest.metrics';
import { EnabledConnectionsQuery } from './enabled-connections.query';
import { FeedStateRepository } from './feed-state.repository';
import { mapChangeToMessage } from './task-changed-event.mapper';

export type ChangeSource = 'webhook' | 'feed';

export interface HandleResult {
  /** Changes published (for one or more connections). */
  published: number;
  /** Events sent: one per change and enabled connection. */
  events: number;
  /** Already published, by a webhook or an earlier round. */
  duplicates: number;
  /** Their user has no enabled connection (R7: a disabled connection is not read). */
  skipped: number;
}

/** Below Kafka's default 1 MB request limit, whatever the tasks' 64,000-character details. */
const MAX_BATCH_BYTES = 512 * 1024;

/** What became of one change in a round: published (with its event count), already published, or no enabled connection. */
type ChangeOutcome = { kind: 'published'; events: number } | { kind: 'duplicate' } | { kind: 'skipped' };

interface Waiting {
  changes: SalesConnectChange[];
  source: ChangeSource;
  resolve: (result: HandleResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The one way a Sales Connect change becomes events, for webhooks and the catch-up alike:
 * de-duplicate on the feed's sequence, find the user's enabled connections, publish one validated
 * event per connection, and remember the sequence only once Kafka acknowledged it. Rounds are
 * serialised, so a webhook and the catch-up handling the same change never both publish it; the
 * calls that arrive while a round runs are handled together in the next one (one lookup, one
 * publish, one record), which is what keeps up with a burst of webhooks.
 */
@Injectable()
export class ChangeHandler {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(
    @Inject(FeedStateRepository) private readonly state: FeedStateRepository,
    @Inject(EnabledConnectionsQuery) private readonly connections: EnabledConnectionsQuery,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  handle(changes: SalesConnectChange[], source: ChangeSource): Promise<HandleResult> {
    return new Promise<HandleResult>((resolve, reject) => {
      this.waiting.push({ changes, source, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const callers = this.waiting.splice(0, this.waiting.length);
        try {
          const outcomes = await this.handleNow(callers.flatMap((c) => c.changes));
          // A change two callers both carried is credited to the first; to the others it is a duplicate.
          const credited = new Set<number>();
          for (const caller of callers) caller.resolve(this.resultFor(caller, outcomes, credited));
        } catch (e) {
          for (const caller of callers) caller.reject(e);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private resultFor(caller: Waiting, outcomes: Map<number, ChangeOutcome>, credited: Set<number>): HandleResult {
    const result: HandleResult = { published: 0, events: 0, duplicates: 0, skipped: 0 };
    for (const sequence of new Set(caller.changes.map((c) => c.sequence))) {
      const outcome = outcomes.get(sequence);
      const first = !credited.has(sequence);
      credited.add(sequence);
      if (outcome?.kind === 'published' && first) {
        result.published++;
        result.events += outcome.events;
      } else if (outcome?.kind === 'skipped' && first) result.skipped++;
      else result.duplicates++;
    }
    this.metrics.changes.inc({ source: caller.source, outcome: 'published' }, result.published);
    this.metrics.changes.inc({ source: caller.source, outcome: 'duplicate' }, result.duplicates);
    this.metrics.changes.inc({ source: caller.source, outcome: 'skipped' }, result.skipped);
    return result;
  }

  private async handleNow(changes: SalesConnectChange[]): Promise<Map<number, ChangeOutcome>> {
    // In feed order: webhooks delivered side by side can arrive out of order, and a task's events must not.
    const unique = [...new Map(changes.map((c) => [c.sequence, c])).values()].sort((a, b) => a.sequence - b.sequence);
    const { fresh, byUser } = await this.readState(unique);
    const outcomes = new Map<number, ChangeOutcome>(unique.map((c) => [c.sequence, { kind: 'duplicate' }]));
    const batches: { sequences: number[]; events: number[]; messages: OutgoingMessage[]; bytes: number }[] = [];
    for (const change of unique) {
      if (!fresh.has(change.sequence)) continue;
      const madeAt = Date.parse(change.occurredAt);
      const connectionIds = (byUser.get(change.userId) ?? []).filter((c) => receivesChangeMadeAt(c, madeAt)).map((c) => c.connectionId);
      if (connectionIds.length === 0) {
        outcomes.set(change.sequence, { kind: 'skipped' });
        continue;
      }
      const messages = connectionIds.map((id) => mapChangeToMessage(change, id));
      const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0);
      const last = batches[batches.length - 1];
      if (last === undefined || last.bytes + bytes > MAX_BATCH_BYTES) batches.push({ sequences: [change.sequence], events: [messages.length], messages, bytes });
      else {
        last.sequences.push(change.sequence);
        last.events.push(messages.length);
        last.messages.push(...messages);
        last.bytes += bytes;
      }
    }
    for (const batch of batches) {
      try {
        await this.publisher.publish(batch.messages);
      } catch (e) {
        throw new IngestError(IngestErrorCode.PublishFailed, `Kafka did not acknowledge ${batch.messages.length} event(s): ${describeError(e)}`, { cause: e });
      }
      // A failure here re-publishes the batch later under the same event ids: consumers drop the copies.
      await this.withState(() => this.state.recordPublished(batch.sequences));
      batch.sequences.forEach((sequence, i) => outcomes.set(sequence, { kind: 'published', events: batch.events[i] }));
    }
    return outcomes;
  }

  private async readState(changes: SalesConnectChange[]): Promise<{ fresh: Set<number>; byUser: Awaited<ReturnType<EnabledConnectionsQuery['byUser']>> }> {
    return this.withState(async () => {
      const fresh = await this.state.filterUnpublished(changes.map((c) => c.sequence));
      const users = [...new Set(changes.filter((c) => fresh.has(c.sequence)).map((c) => c.userId))];
      return { fresh, byUser: await this.connections.byUser(users) };
    });
  }

  private async withState<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw new IngestError(IngestErrorCode.StateUnavailable, `PostgreSQL: ${describeError(e)}`, { cause: e });
    }
  }
}
