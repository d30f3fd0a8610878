import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CoalescedWrite, HeldWriteDecision } from '@task-sync/sync-rules';
import type { TaskLink } from '@task-sync/task-domain';
import { buildTaskFields } from '@task-sync/task-domain/testing';
import type { OutgoingMessage, StatusReport } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import type { Transactions } from '../transactions';
import {
  InMemoryFailedWrites,
  InMemoryParkedChanges,
  InMemoryTaskLinks,
  InMemoryWriteQueue,
} from '../testing/in-memory-repositories';
import type { WriteOutcome } from './write-outcome';
import { WriteFlusherService } from './write-flusher.service';

const CONNECTION = 'conn-1';
const config = {
  SERVICE_NAME: 'reconciler',
  WRITE_FLUSH_INTERVAL_MS: 200,
  SFDC_WRITE_GATHER_MS: 2_000,
  SFDC_WRITE_QUIET_MS: 500,
  WRITE_CONNECTIONS_CONCURRENTLY: 4,
  WRITE_MAX_ATTEMPTS: 8,
  WRITE_RETRY_BASE_MS: 1_000,
  PAUSE_RECHECK_MS: 300_000,
} as ReconcilerConfig;

/** A Salesforce executor that answers each write's outcome by the title it writes (`outcomeOf`), as a flush's Composite request would. */
class FakeSfdcExecutor {
  readonly sent: CoalescedWrite[] = [];
  constructor(private readonly outcomeOf: (w: CoalescedWrite) => WriteOutcome) {}
  async run(_connectionId: string, writes: CoalescedWrite[]): Promise<Map<CoalescedWrite, WriteOutcome>> {
    this.sent.push(...writes);
    return new Map(writes.map((w) => [w, this.outcomeOf(w)]));
  }
  forget(): void {
    return;
  }
}

function setUp(
  outcomeOf: (w: CoalescedWrite) => WriteOutcome,
  held: HeldWriteDecision = { kind: 'wait' },
  locked = true,
) {
  const queue = new InMemoryWriteQueue();
  const links = new InMemoryTaskLinks();
  const failedWrites = new InMemoryFailedWrites();
  const sfdc = new FakeSfdcExecutor(outcomeOf);
  const salesConnect = { run: async () => new Map<CoalescedWrite, WriteOutcome>() };
  const published: OutgoingMessage[] = [];
  const reports: StatusReport[] = [];
  const heldReads = { decide: () => held, forget: () => undefined, readAndDecide: async () => undefined };
  queue.lockConnection = async () => locked;
  const db = { query: (async () => []) as EntityManager['query'] };
  const dataSource: Transactions = { query: db.query, transaction: (run) => run(db as EntityManager) };
  const flusher = new WriteFlusherService(
    dataSource,
    config,
    sfdc as never,
    salesConnect as never,
    { publish: async (messages: OutgoingMessage[]) => void published.push(...messages) } as never,
    { report: async (_id: string, report: StatusReport) => void reports.push(report) } as never,
    failedWrites as never,
    heldReads as never,
    queue,
    links,
    new InMemoryParkedChanges(),
  );
  /** A live link with both ids, and a write of its title queued to Salesforce. */
  const queueUpdate = async (title: string) => {
    const id = `link-${title}`;
    links.links.set(id, {
      id,
      connectionId: CONNECTION,
      salesConnectTaskId: `sc-${title}`,
      sfdcTaskId: `00T-${title}`,
      state: { fields: null } as unknown as Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>,
      unlinked: false,
    });
    await queue.queue(db, [
      { connectionId: CONNECTION, linkId: id, side: 'sfdc', write: { type: 'update', fields: { title } } },
    ]);
    return id;
  };
  const round = () => (flusher as unknown as { round(): Promise<boolean> }).round();
  return { flusher, queue, links, failedWrites, sfdc, published, reports, queueUpdate, round };
}

const byTitle =
  (outcomes: Record<string, WriteOutcome>) =>
  (w: CoalescedWrite): WriteOutcome =>
    outcomes[w.fields.title ?? ''] ?? { kind: 'done' };

describe("the write flusher's round: each write's outcome settled in the queue, the failed writes and connector-settings (in-memory repositories, fake executors)", () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('a landed write leaves the queue, clears its failed state, and is told to connector-settings as cleared', async () => {
    const s = setUp(byTitle({}));
    const linkId = await s.queueUpdate('landed');
    await s.failedWrites.recordFailure(
      null,
      CONNECTION,
      { linkId, side: 'sfdc', kind: 'update', fields: { title: 'landed' }, rowIds: ['0'] },
      undefined,
      'FIELD_INTEGRITY_EXCEPTION',
      'refused before',
    );
    expect(await s.round()).toBe(true);
    expect(s.sfdc.sent.map((w) => w.fields.title)).toEqual(['landed']);
    expect(s.queue.rows).toEqual([]);
    expect(s.failedWrites.failed.size).toBe(0);
    expect(s.published.map((m) => m.eventType)).toEqual(['failed-write-changed']);
  });

  it("a refused write becomes the task's failed write: out of the queue, a dead letter for the operator, the connection in error", async () => {
    const s = setUp(
      byTitle({ refused: { kind: 'dead-letter', code: 'FIELD_INTEGRITY_EXCEPTION', reason: 'bad value' } }),
    );
    const linkId = await s.queueUpdate('refused');
    await s.round();
    expect(s.queue.rows).toEqual([]);
    expect(s.failedWrites.failed.get(`sfdc:${linkId}`)).toMatchObject({
      code: 'FIELD_INTEGRITY_EXCEPTION',
      attempts: 1,
    });
    expect(s.published.map((m) => m.eventType).sort()).toEqual(['dead-letter', 'failed-write-changed']);
    expect(s.reports).toEqual([
      expect.objectContaining({
        state: 'error',
        error: expect.objectContaining({ code: 'FIELD_INTEGRITY_EXCEPTION' }),
      }),
    ]);
  });

  it('a write that may go again later is counted and waits its backoff; a held one waits for the ingest, its attempts unchanged', async () => {
    const s = setUp(
      byTitle({
        flaky: { kind: 'retry', reason: 'UNABLE_TO_LOCK_ROW' },
        held: { kind: 'hold', reason: 'changed after the last read' },
      }),
    );
    await s.queueUpdate('flaky');
    await s.queueUpdate('held');
    await s.round();
    const [flaky, held] = s.queue.rows;
    expect([flaky.write, flaky.attempts, flaky.notBefore - s.queue.now, flaky.lastError]).toEqual([
      { type: 'update', fields: { title: 'flaky' } },
      1,
      1_000,
      'UNABLE_TO_LOCK_ROW',
    ]);
    expect([held.write, held.attempts, held.notBefore - s.queue.now, held.lastError]).toEqual([
      { type: 'update', fields: { title: 'held' } },
      0,
      300,
      'changed after the last read',
    ]);
    expect(s.failedWrites.failed.size).toBe(0);
    expect(s.published).toEqual([]);
  });

  it('a held write whose target kept changing under every read fails as HELD_OVER_UNREAD_CHANGE, never sent blind', async () => {
    const s = setUp(byTitle({ held: { kind: 'hold', reason: 'changed after the last read' } }), {
      kind: 'fail',
      reason: 'its target still changed after each of 10 reads',
    });
    const linkId = await s.queueUpdate('held');
    await s.round();
    expect(s.queue.rows).toEqual([]);
    expect(s.failedWrites.failed.get(`sfdc:${linkId}`)).toMatchObject({
      code: 'HELD_OVER_UNREAD_CHANGE',
      reason: expect.stringContaining('10 reads'),
    });
  });

  it('a paused connection keeps its writes queued until PAUSE_RECHECK_MS, and says why', async () => {
    const s = setUp(
      byTitle({ paused: { kind: 'pause', code: 'API_ALLOCATION_REACHED', reason: 'allocation reached' } }),
    );
    await s.queueUpdate('paused');
    await s.round();
    expect(s.queue.rows.map((r) => [r.attempts, r.notBefore - s.queue.now])).toEqual([[0, 300_000]]);
    expect(s.reports).toEqual([
      expect.objectContaining({ error: { code: 'API_ALLOCATION_REACHED', message: 'allocation reached' } }),
    ]);
  });

  it("a busy connection's Salesforce writes gather until they fill a Composite request's 25 subrequests, whatever their count", async () => {
    const s = setUp(byTitle({}));
    await s.queueUpdate('first');
    expect(await s.round()).toBe(true); // an idle connection's write goes at once
    for (let i = 0; i < 23; i++) await s.queueUpdate(`update ${i}`);
    // 23 updates and the stamps query: 24 subrequests, one short of a full request.
    expect(await s.round()).toBe(false);
    expect(s.sfdc.sent).toHaveLength(1);
    await s.queue.queue(null, [
      {
        connectionId: CONNECTION,
        linkId: 'link-new',
        side: 'sfdc',
        write: {
          type: 'create',
          fields: buildTaskFields({ title: 'new' }),
        },
      },
    ]);
    expect(await s.round()).toBe(true);
    expect(s.sfdc.sent).toHaveLength(25);
  });

  it('sends nothing while another replica flushes the connection', async () => {
    const s = setUp(byTitle({}), { kind: 'wait' }, false);
    await s.queueUpdate('landed');
    expect(await s.round()).toBe(false);
    expect(s.sfdc.sent).toEqual([]);
    expect(s.queue.rows).toHaveLength(1);
  });
});
