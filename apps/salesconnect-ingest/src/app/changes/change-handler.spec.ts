import { Registry } from 'prom-client';
import { decodeEvent, KAFKA_TOPICS, type SalesConnectTaskChanged } from '@task-sync/contracts';
import type { KafkaPublisher, OutgoingMessage } from '@task-sync/util-nest';
import { IngestMetrics } from '../ingest.metrics';
import { buildChange } from '../testing/salesconnect-change.fixture';
import { ChangeHandler } from './change-handler.service';
import type { EnabledConnectionsQuery } from './enabled-connections.query';
import type { FeedStateRepository } from './feed-state.repository';

// The handler's decisions against in-memory stand-ins; the real PostgreSQL and Kafka run in
// apps/platform-int/src/salesconnect-ingest.int-spec.ts.

function setUp(options: { enabled: Record<string, string[]>; published?: number[]; lastSequence?: number; failPublish?: number }) {
  const published = new Set(options.published ?? []);
  const batches: OutgoingMessage[][] = [];
  let publishCalls = 0;
  const state = {
    filterUnpublished: async (sequences: number[]) => new Set(sequences.filter((s) => s > (options.lastSequence ?? 0) && !published.has(s))),
    recordPublished: async (sequences: number[]) => sequences.forEach((s) => published.add(s)),
  } as unknown as FeedStateRepository;
  const connections = { byUser: async (users: string[]) => new Map(users.filter((u) => options.enabled[u]).map((u) => [u, options.enabled[u].map((connectionId) => ({ connectionId, disabledAt: null }))])) } as unknown as EnabledConnectionsQuery;
  const publisher = {
    publish: async (messages: OutgoingMessage[]) => {
      publishCalls++;
      if (publishCalls === options.failPublish) throw new Error('KafkaJSNumberOfRetriesExceeded');
      batches.push(messages);
    },
  } as unknown as KafkaPublisher;
  const handler = new ChangeHandler(state, connections, publisher, new IngestMetrics(new Registry()));
  return { handler, batches, published };
}

describe('ChangeHandler', () => {
  it('publishes one event per enabled connection of the change’s user, and skips users with none (R7)', async () => {
    const { handler, batches, published } = setUp({ enabled: { scu_a: ['conn-a1', 'conn-a2'] } });
    const mine = buildChange({ userId: 'scu_a', taskId: 'sct_a' });
    const theirs = buildChange({ userId: 'scu_b', taskId: 'sct_b' });
    expect(await handler.handle([mine, theirs], 'feed')).toEqual({ published: 1, events: 2, duplicates: 0, skipped: 1 });
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a1:sct_a', 'conn-a2:sct_a']);
    expect(batches.flat().map((m) => (decodeEvent(m.value, KAFKA_TOPICS.salesconnectTaskChanges) as SalesConnectTaskChanged).connectionId)).toEqual(['conn-a1', 'conn-a2']);
    // Only the published change is remembered; the skipped one is judged again by the catch-up.
    expect([...published]).toEqual([mine.sequence]);
  });

  it('publishes a round in feed order, whatever order its webhooks arrived in', async () => {
    const { handler, batches } = setUp({ enabled: { scu_a: ['conn-a1'] } });
    const first = buildChange({ userId: 'scu_a', taskId: 'sct_a', sequence: 41 });
    const second = buildChange({ userId: 'scu_a', taskId: 'sct_b', sequence: 42 });
    await handler.handle([second, first], 'webhook');
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a1:sct_a', 'conn-a1:sct_b']);
  });

  it('publishes a change only once, whichever way it comes again', async () => {
    const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] }, lastSequence: 10 });
    const behindCursor = buildChange({ sequence: 9 });
    const fresh = buildChange({ sequence: 11 });
    expect(await handler.handle([behindCursor, fresh, fresh], 'webhook')).toMatchObject({ published: 1, duplicates: 1 });
    expect(await handler.handle([fresh], 'feed')).toMatchObject({ published: 0, duplicates: 1 });
    expect(batches.flat()).toHaveLength(1);
  });

  it('serialises calls, so a webhook and the catch-up racing on one change publish it once', async () => {
    const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] } });
    const change = buildChange({ sequence: 500 });
    const results = await Promise.all([handler.handle([change], 'webhook'), handler.handle([change], 'feed')]);
    expect(results.map((r) => r.published)).toEqual([1, 0]);
    expect(batches.flat()).toHaveLength(1);
  });

  it('handles the calls that arrive while a round runs together: one publish for a burst of webhooks, each caller told about its own change', async () => {
    const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] } });
    const burst = Array.from({ length: 30 }, (_, i) => buildChange({ sequence: 2000 + i }));
    const results = await Promise.all([...burst.map((c) => handler.handle([c], 'webhook')), handler.handle([burst[0]], 'feed')]);
    expect(results.slice(0, 30).every((r) => r.published === 1 && r.events === 1)).toBe(true);
    expect(results[30]).toMatchObject({ published: 0, duplicates: 1 });
    // The first call runs alone; the 29 others (and the feed's repeat) wait for it and go out in one batch.
    expect(batches.map((b) => b.length)).toEqual([1, 29]);
  });

  it('splits large pages into batches under the request limit, remembering each batch once it is acknowledged', async () => {
    const { handler, batches, published } = setUp({ enabled: { scu_1: ['conn-1'] }, failPublish: 3 });
    const big = Array.from({ length: 20 }, (_, i) => buildChange({ sequence: 1000 + i, task: { details: 'x'.repeat(60_000) } }));
    await expect(handler.handle(big, 'feed')).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(batches).toHaveLength(2);
    for (const batch of batches) expect(batch.reduce((n, m) => n + Buffer.byteLength(m.value), 0)).toBeLessThanOrEqual(512 * 1024);
    expect(published.size).toBe(batches.flat().length);
    expect(published.size).toBeLessThan(20);
  });
});
