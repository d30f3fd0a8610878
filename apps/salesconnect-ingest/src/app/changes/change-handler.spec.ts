import { Registry } from 'prom-client';
import { decodeEvent, KAFKA_TOPICS, type SalesConnectTaskChanged } from '@task-sync/contracts';
import type { KafkaPublisher, OutgoingMessage } from '@task-sync/util-nest';
import { IngestMetrics } from '../ingest.metrics';
import { buildChange } from '../testing/salesconnect-change.fixture';
import { ChangeHandler } from './change-handler.service';
import { ownerKey, type ChangeOwner, type EnabledConnectionsQuery } from './enabled-connections.query';
import type { TaskOrderState } from '@task-sync/sync-rules';
import type { FeedStateRepository, TaskOrderRecord } from './feed-state.repository';

// The handler's decisions against in-memory stand-ins; the real PostgreSQL and Kafka run in
// apps/platform-int/src/salesconnect-ingest.int-spec.ts.

function setUp(options: {
  enabled: Record<string, string[]>;
  published?: number[];
  lastSequence?: number;
  failPublish?: number;
  holdMs?: number;
  /** Up to when the settings view covers (every change, unless given); `coveredAfterAsk`: what an ask of the watermark brings. */
  coveredUpTo?: number;
  coveredAfterAsk?: number;
}) {
  const published = new Set(options.published ?? []);
  const taskOrder = new Map<string, TaskOrderState>();
  /** What the rounds asked for: the task ids of readTaskOrder, the owners of byOwner. */
  const reads = { taskOrder: [] as string[], owners: [] as ChangeOwner[] };
  const batches: OutgoingMessage[][] = [];
  let publishCalls = 0;
  const recordTaskVersions = async (records: TaskOrderRecord[]) => {
    for (const r of records) {
      const was = taskOrder.get(r.taskId) ?? {};
      taskOrder.set(r.taskId, {
        released: Math.max(was.released ?? 0, r.version),
        published: r.published ? Math.max(was.published ?? 0, r.version) : was.published,
      });
    }
  };
  const state = {
    filterUnpublished: async (sequences: number[]) =>
      new Set(sequences.filter((s) => s > (options.lastSequence ?? 0) && !published.has(s))),
    recordPublished: async (sequences: number[], versions: TaskOrderRecord[] = []) => {
      sequences.forEach((s) => published.add(s));
      await recordTaskVersions(versions);
    },
    readTaskOrder: async (taskIds: string[]) => {
      reads.taskOrder.push(...taskIds);
      return new Map(taskIds.filter((id) => taskOrder.has(id)).map((id) => [id, taskOrder.get(id) as TaskOrderState]));
    },
    recordTaskVersions,
  } as unknown as FeedStateRepository;
  // `enabled` is keyed by user id (in the fixture's tenant-1) or by `tenant/user`.
  const enabledOf = (owner: ChangeOwner) =>
    options.enabled[`${owner.tenantId}/${owner.userId}`] ??
    (owner.tenantId === 'tenant-1' ? options.enabled[owner.userId] : undefined);
  const connections = {
    byOwner: async (owners: ChangeOwner[]) => {
      reads.owners.push(...owners);
      return new Map(
        owners
          .filter((o) => enabledOf(o))
          .map((o) => [ownerKey(o), (enabledOf(o) ?? []).map((connectionId) => ({ connectionId, disabledAt: null }))]),
      );
    },
  } as unknown as EnabledConnectionsQuery;
  const publisher = {
    publish: async (messages: OutgoingMessage[]) => {
      publishCalls++;
      if (publishCalls === options.failPublish) throw new Error('KafkaJSNumberOfRetriesExceeded');
      batches.push(messages);
    },
  } as unknown as KafkaPublisher;
  const asks: number[] = [];
  const settings = {
    coveredUpTo: options.coveredUpTo ?? Number.MAX_SAFE_INTEGER,
    async covers(instant: number) {
      if (instant <= this.coveredUpTo) return true;
      asks.push(instant);
      this.coveredUpTo = Math.max(this.coveredUpTo, options.coveredAfterAsk ?? 0);
      return instant <= this.coveredUpTo;
    },
  };
  const handler = new ChangeHandler(
    state,
    connections,
    publisher,
    new IngestMetrics(new Registry()),
    { SALESCONNECT_ORDER_HOLD_MS: options.holdMs ?? 3_000, SYNC_CLIENT_NAME: 'task-sync' },
    settings,
  );
  return { handler, batches, published, taskOrder, reads, asks, settings, options };
}

describe('ChangeHandler', () => {
  it('publishes one event per enabled connection of the change’s user, and skips users with none (R7)', async () => {
    const { handler, batches, published } = setUp({ enabled: { scu_a: ['conn-a1', 'conn-a2'] } });
    const mine = buildChange({ userId: 'scu_a', taskId: 'sct_a' });
    const theirs = buildChange({ userId: 'scu_b', taskId: 'sct_b' });
    expect(await handler.handle([mine, theirs], 'feed')).toEqual({
      published: 1,
      events: 2,
      duplicates: 0,
      skipped: 1,
      ownCreates: 0,
      held: 0,
      superseded: 0,
      awaitingSettings: 0,
    });
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a1:sct_a', 'conn-a2:sct_a']);
    expect(
      batches
        .flat()
        .map(
          (m) => (decodeEvent(m.value, KAFKA_TOPICS.salesconnectTaskChanges) as SalesConnectTaskChanged).connectionId,
        ),
    ).toEqual(['conn-a1', 'conn-a2']);
    // Only the published change is remembered; the skipped one is judged again by the catch-up.
    expect([...published]).toEqual([mine.sequence]);
  });

  it('R6 without echo loops: the sync’s own create coming back is recorded, not published; the task’s next change is not held for it and crosses', async () => {
    const { handler, batches, published, taskOrder } = setUp({ enabled: { scu_a: ['conn-a1'] } });
    const ownCreate = buildChange({ userId: 'scu_a', taskId: 'sct_own', origin: 'task-sync' });
    const personsCreate = buildChange({ userId: 'scu_a', taskId: 'sct_person' });
    expect(await handler.handle([ownCreate, personsCreate], 'webhook')).toMatchObject({
      published: 1,
      events: 1,
      ownCreates: 1,
      held: 0,
    });
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a1:sct_person']);
    // Remembered as handled: the catch-up does not bring it again, and version 1 counts as out.
    expect([...published].sort()).toEqual([ownCreate.sequence, personsCreate.sequence].sort());
    expect(taskOrder.get('sct_own')).toEqual({ released: 1, published: 1 });

    // A person's edit of the sync's copy (version 2) crosses at once, and so does the sync's own update.
    const edit = buildChange({
      userId: 'scu_a',
      taskId: 'sct_own',
      type: 'updated',
      task: { version: 2, name: 'Call Ana today' },
    });
    const ownUpdate = buildChange({
      userId: 'scu_a',
      taskId: 'sct_own',
      type: 'updated',
      origin: 'task-sync',
      task: { version: 3 },
    });
    expect(await handler.handle([edit, ownUpdate], 'webhook')).toMatchObject({ published: 2, held: 0, ownCreates: 0 });
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a1:sct_person', 'conn-a1:sct_own', 'conn-a1:sct_own']);
    // The feed's copy of the create later is a duplicate, not an event.
    expect(await handler.handle([ownCreate], 'feed')).toMatchObject({ duplicates: 1, published: 0, ownCreates: 0 });
  });

  it('R6 without echo loops, in order: a round of the sync’s own creates coming back (an import) reads no task order and asks for no connection, and records them all the same', async () => {
    const { handler, batches, published, taskOrder, reads } = setUp({ enabled: { scu_a: ['conn-a1'] } });
    const own = [1, 2, 3].map((n) => buildChange({ userId: 'scu_a', taskId: `sct_own${n}`, origin: 'task-sync' }));
    // Whoever receives it: a connection disabled meanwhile changes nothing, as none is published.
    const ownOfNoOne = buildChange({ userId: 'scu_gone', taskId: 'sct_gone', origin: 'task-sync' });
    expect(await handler.handle([...own, ownOfNoOne], 'webhook')).toMatchObject({
      ownCreates: 4,
      published: 0,
      skipped: 0,
    });
    expect(reads).toEqual({ taskOrder: [], owners: [] });
    expect(batches).toEqual([]);
    expect([...published].sort()).toEqual([...own, ownOfNoOne].map((c) => c.sequence).sort());
    expect(taskOrder.get('sct_own1')).toEqual({ released: 1, published: 1 });
    expect(taskOrder.get('sct_gone')).toEqual({ released: 1, published: 1 });

    // A person's edit that came first waits for the create; the create's round reads that task's order and lets both go.
    const early = buildChange({ userId: 'scu_a', taskId: 'sct_own4', type: 'updated', task: { version: 2 } });
    expect(await handler.handle([early], 'webhook')).toMatchObject({ held: 1 });
    const late = buildChange({ userId: 'scu_a', taskId: 'sct_own4', origin: 'task-sync' });
    expect(await handler.handle([late], 'webhook')).toMatchObject({ ownCreates: 1 });
    expect(reads.taskOrder).toEqual(['sct_own4', 'sct_own4']);
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a1:sct_own4']);
    expect(taskOrder.get('sct_own4')).toEqual({ released: 2, published: 2 });
  });

  it('R3 and R6: a change made right after an enable not heard of yet is never skipped; it awaits the settings and crosses once the enable is applied', async () => {
    const madeAt = Date.parse('2026-12-06T05:00:37.300Z');
    const { handler, batches, published, taskOrder, asks, settings, options } = setUp({
      enabled: {},
      coveredUpTo: madeAt - 1_000,
      coveredAfterAsk: madeAt - 200, // the watermark is held back by the enable not published yet
    });
    const afterEnable = buildChange({
      userId: 'scu_new',
      taskId: 'sct_new',
      occurredAt: new Date(madeAt).toISOString(),
    });
    expect(await handler.handle([afterEnable], 'webhook')).toMatchObject({
      published: 0,
      skipped: 0,
      awaitingSettings: 1,
    });
    // One ask of the watermark, for the change's time; nothing remembered, so the feed brings it again.
    expect(asks).toEqual([madeAt]);
    expect([...published]).toEqual([]);
    expect(taskOrder.has('sct_new')).toBe(false);

    // The enable reached this service and the watermark covers the change: the feed's copy crosses.
    options.enabled = { scu_new: ['conn-new'] };
    settings.coveredUpTo = madeAt + 5;
    expect(await handler.handle([afterEnable], 'feed')).toMatchObject({ published: 1, awaitingSettings: 0 });
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-new:sct_new']);
  });

  it('a change of a user without a sync is skipped once the watermark covers its time, and asks nothing when the view already does', async () => {
    const madeAt = Date.parse('2026-12-06T05:00:37.300Z');
    const asked = setUp({ enabled: {}, coveredUpTo: madeAt - 1_000, coveredAfterAsk: madeAt + 50 });
    const change = buildChange({ userId: 'scu_none', occurredAt: new Date(madeAt).toISOString() });
    expect(await asked.handler.handle([change], 'feed')).toMatchObject({ skipped: 1, awaitingSettings: 0 });
    expect(asked.asks).toEqual([madeAt]);
    const known = setUp({ enabled: {}, coveredUpTo: madeAt + 1 });
    expect(await known.handler.handle([change], 'feed')).toMatchObject({ skipped: 1 });
    expect(known.asks).toEqual([]);
  });

  it('tenant isolation: a change reaches only the connections of its own tenant’s user, never another tenant’s user of the same id', async () => {
    const { handler, batches } = setUp({
      enabled: { 'tenant-a/scu_same': ['conn-a'], 'tenant-b/scu_same': ['conn-b'] },
    });
    const inA = buildChange({ tenantId: 'tenant-a', userId: 'scu_same', taskId: 'sct_a' });
    const inC = buildChange({ tenantId: 'tenant-c', userId: 'scu_same', taskId: 'sct_c' });
    expect(await handler.handle([inA, inC], 'webhook')).toMatchObject({ published: 1, events: 1, skipped: 1 });
    expect(batches.flat().map((m) => m.key)).toEqual(['conn-a:sct_a']);
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
    expect(await handler.handle([behindCursor, fresh, fresh], 'webhook')).toMatchObject({
      published: 1,
      duplicates: 1,
    });
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
    const burst = Array.from({ length: 30 }, (_, i) => buildChange({ sequence: 2000 + i, taskId: `sct_burst_${i}` }));
    const results = await Promise.all([
      ...burst.map((c) => handler.handle([c], 'webhook')),
      handler.handle([burst[0]], 'feed'),
    ]);
    expect(results.slice(0, 30).every((r) => r.published === 1 && r.events === 1)).toBe(true);
    expect(results[30]).toMatchObject({ published: 0, duplicates: 1 });
    // The first call runs alone; the 29 others (and the feed's repeat) wait for it and go out in one batch.
    expect(batches.map((b) => b.length)).toEqual([1, 29]);
  });

  it('splits large pages into batches under the request limit, remembering each batch once it is acknowledged', async () => {
    const { handler, batches, published } = setUp({ enabled: { scu_1: ['conn-1'] }, failPublish: 3 });
    const big = Array.from({ length: 20 }, (_, i) =>
      buildChange({ sequence: 1000 + i, taskId: `sct_big_${i}`, task: { details: 'x'.repeat(60_000) } }),
    );
    await expect(handler.handle(big, 'feed')).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(batches).toHaveLength(2);
    for (const batch of batches)
      expect(batch.reduce((n, m) => n + Buffer.byteLength(m.value), 0)).toBeLessThanOrEqual(512 * 1024);
    expect(published.size).toBe(batches.flat().length);
    expect(published.size).toBeLessThan(20);
  });

  describe("a task's changes in Sales Connect's order (decideChangeOrder), when their webhooks come in different rounds", () => {
    const versionsOf = (batches: OutgoingMessage[][], taskId: string) =>
      batches
        .flat()
        .map((m) => decodeEvent(m.value, KAFKA_TOPICS.salesconnectTaskChanges) as SalesConnectTaskChanged)
        .filter((e) => e.taskId === taskId)
        .map((e) => e.version);
    const edit = (taskId: string, version: number, sequence: number) =>
      buildChange({ taskId, sequence, type: version === 1 ? 'created' : 'updated', task: { version } });

    it('holds a webhook whose predecessor has not arrived, publishes both in order when it does, and lets other tasks through meanwhile', async () => {
      const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] }, holdMs: 60_000 });
      await handler.handle([edit('sct_o', 1, 3001)], 'webhook');
      expect(await handler.handle([edit('sct_o', 3, 3003)], 'webhook')).toMatchObject({ published: 0, held: 1 });
      expect(await handler.handle([edit('sct_other', 1, 3004)], 'webhook')).toMatchObject({ published: 1 });
      expect(await handler.handle([edit('sct_o', 2, 3002)], 'webhook')).toMatchObject({ published: 1 });
      expect(versionsOf(batches, 'sct_o')).toEqual([1, 2, 3]);
      expect(versionsOf(batches, 'sct_other')).toEqual([1]);
      expect(handler.heldCount()).toBe(0);
    });

    it('reads the feed only for a gap still open at the bound, not for one that filled by itself', async () => {
      const { handler } = setUp({ enabled: { scu_1: ['conn-1'] }, holdMs: 30 });
      let feedRead = 0;
      handler.onGap(async () => {
        feedRead++;
      });
      await handler.handle([edit('sct_f', 1, 3301)], 'webhook');
      await handler.handle([edit('sct_f', 3, 3303)], 'webhook');
      await handler.handle([edit('sct_f', 2, 3302)], 'webhook');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(feedRead).toBe(0);
    });

    it('never publishes an older change after a newer one of the same task: the late one is superseded', async () => {
      const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] }, holdMs: 60_000 });
      await handler.handle([edit('sct_s', 1, 3101), edit('sct_s', 3, 3103)], 'feed');
      expect(await handler.handle([edit('sct_s', 2, 3102)], 'webhook')).toMatchObject({ published: 0, superseded: 1 });
      expect(versionsOf(batches, 'sct_s')).toEqual([1, 3]);
    });

    it('reads the feed once for a gap, though a held change below the one that waited the bound came later', async () => {
      const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] }, holdMs: 400 });
      let feedRead = 0;
      handler.onGap(async () => {
        feedRead++;
      });
      await handler.handle([edit('sct_l', 1, 3401)], 'webhook');
      await handler.handle([edit('sct_l', 4, 3404)], 'webhook');
      // Version 3 comes well inside the bound of version 4, and is still inside its own when 4's runs out.
      await new Promise((resolve) => setTimeout(resolve, 250));
      await handler.handle([edit('sct_l', 3, 3403)], 'webhook');
      for (let i = 0; i < 250 && versionsOf(batches, 'sct_l').length < 3; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(versionsOf(batches, 'sct_l')).toEqual([1, 3, 4]);
      expect(feedRead).toBe(1);
    });

    it('past the bound, reads the feed for the gap, then publishes what still waits in order', async () => {
      // A bound well above the time between the three calls, which a busy CI machine can stretch past 300 ms.
      const { handler, batches } = setUp({ enabled: { scu_1: ['conn-1'] }, holdMs: 1_500 });
      let feedRead = 0;
      handler.onGap(async () => {
        feedRead++;
      });
      await handler.handle([edit('sct_b', 1, 3201)], 'webhook');
      await handler.handle([edit('sct_b', 4, 3204)], 'webhook');
      await handler.handle([edit('sct_b', 3, 3203)], 'webhook');
      expect(versionsOf(batches, 'sct_b')).toEqual([1]);
      for (let i = 0; i < 250 && versionsOf(batches, 'sct_b').length < 3; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(feedRead).toBe(1);
      expect(handler.heldCount()).toBe(0);
      expect(versionsOf(batches, 'sct_b')).toEqual([1, 3, 4]);
    });
  });
});
