import { Inject, Injectable } from '@nestjs/common';
import type { SalesConnectChange } from '@task-sync/salesconnect-client';
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

/**
 * The one way a Sales Connect change becomes events, for webhooks and the catch-up alike:
 * de-duplicate on the feed's sequence, find the user's enabled connections, publish one validated
 * event per connection, and remember the sequence only once Kafka acknowledged it. Calls are
 * serialised, so a webhook and the catch-up handling the same change never both publish it.
 */
@Injectable()
export class ChangeHandler {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(FeedStateRepository) private readonly state: FeedStateRepository,
    @Inject(EnabledConnectionsQuery) private readonly connections: EnabledConnectionsQuery,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  handle(changes: SalesConnectChange[], source: ChangeSource): Promise<HandleResult> {
    const run = this.queue.then(() => this.handleNow(changes, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async handleNow(changes: SalesConnectChange[], source: ChangeSource): Promise<HandleResult> {
    const unique = [...new Map(changes.map((c) => [c.sequence, c])).values()];
    const { fresh, byUser } = await this.readState(unique);
    const batches: { sequences: number[]; messages: OutgoingMessage[]; bytes: number }[] = [];
    let skipped = 0;
    for (const change of unique) {
      if (!fresh.has(change.sequence)) continue;
      const connectionIds = byUser.get(change.userId) ?? [];
      if (connectionIds.length === 0) {
        skipped++;
        continue;
      }
      const messages = connectionIds.map((id) => mapChangeToMessage(change, id));
      const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0);
      const last = batches[batches.length - 1];
      if (last === undefined || last.bytes + bytes > MAX_BATCH_BYTES) batches.push({ sequences: [change.sequence], messages, bytes });
      else {
        last.sequences.push(change.sequence);
        last.messages.push(...messages);
        last.bytes += bytes;
      }
    }
    const result: HandleResult = { published: 0, events: 0, duplicates: unique.length - fresh.size, skipped };
    this.metrics.changes.inc({ source, outcome: 'duplicate' }, result.duplicates);
    this.metrics.changes.inc({ source, outcome: 'skipped' }, skipped);
    for (const batch of batches) {
      try {
        await this.publisher.publish(batch.messages);
      } catch (e) {
        throw new IngestError(IngestErrorCode.PublishFailed, `Kafka did not acknowledge ${batch.messages.length} event(s): ${describeError(e)}`, { cause: e });
      }
      // A failure here re-publishes the batch later under the same event ids: consumers drop the copies.
      await this.withState(() => this.state.recordPublished(batch.sequences));
      result.published += batch.sequences.length;
      result.events += batch.messages.length;
      this.metrics.changes.inc({ source, outcome: 'published' }, batch.sequences.length);
    }
    return result;
  }

  private async readState(changes: SalesConnectChange[]): Promise<{ fresh: Set<number>; byUser: Map<string, string[]> }> {
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
