import { decodeEvent, KAFKA_TOPICS, type SfdcTaskChanged } from '@task-sync/contracts';
import { SalesforceError, SalesforceErrorCode, type TaskRecord } from '@task-sync/sfdc-client';
import { FakeSalesforceReads } from '../testing/fake-salesforce-reads';
import {
  InMemoryKafka,
  InMemoryPublishedChangeRepository,
  InMemorySyncStateRepository,
  InMemoryTransactions,
  RecordedStatus,
  buildSyncState,
} from '../testing/in-memory-sync.stores';
import { buildTaskRecord, fixtureTaskId as task } from '../testing/sfdc-task.fixture';
import { handleReadFailure } from '../salesforce/read-failure.handler';
import { ConnectionSyncRunner, type RunnerConfig } from './connection-sync.runner';
import type { SfdcSyncState } from './sync-state';

const ENABLE_AT = new Date('2026-11-24T10:00:00.000Z');
const MINUTE = 60_000;

/** A task stamped `minutes` after the enable (negative: before it, inside the import's 24 hours). */
const taskAt = (n: number, minutes: number): TaskRecord => {
  const stamp = new Date(ENABLE_AT.getTime() + minutes * MINUTE).toISOString().replace('Z', '+0000');
  return buildTaskRecord({ Id: task(n), Subject: `task ${n}`, SystemModstamp: stamp, LastModifiedDate: stamp });
};

/** The runner against in-memory tables, Kafka and status, and a scripted Salesforce. */
function setUp(state: SfdcSyncState, config: Partial<RunnerConfig> = {}) {
  const states = new InMemorySyncStateRepository(state);
  const published = new InMemoryPublishedChangeRepository();
  const transactions = new InMemoryTransactions().enlist(states, published);
  const kafka = new InMemoryKafka();
  const status = new RecordedStatus();
  const salesforce = new FakeSalesforceReads();
  const runner = new ConnectionSyncRunner(transactions, kafka, status, published, states, {
    QUERY_PAGE_SIZE: 2,
    IMPORT_PAGE_SIZE: 2,
    POLL_LOOKBACK_MS: 5 * MINUTE,
    DELETE_AUDIT_INTERVAL_MS: 3_600_000,
    ...config,
  });
  const sentTaskIds = () =>
    kafka.sent.map((m) => (decodeEvent(m.value, KAFKA_TOPICS.sfdcTaskChanges) as SfdcTaskChanged).taskId);
  return {
    runner,
    states,
    published,
    transactions,
    kafka,
    status,
    salesforce,
    sentTaskIds,
    step: () => runner.runStep(state, salesforce),
  };
}

describe('ConnectionSyncRunner: one step of a connection, in memory', () => {
  it('R2: an import page publishes its tasks, then moves the keyset and the counts in one transaction', async () => {
    const state = buildSyncState({ enableAt: ENABLE_AT, stage: 'import' });
    const { step, states, published, salesforce, sentTaskIds, status } = setUp(state);
    salesforce.countAnswer = 3;
    salesforce.answer({ records: [taskAt(1, -90), taskAt(2, -60)], morePages: false });

    expect(await step()).toBe('continue');

    expect(sentTaskIds()).toEqual([task(1), task(2)]);
    expect(states.stored('conn-1')).toMatchObject({
      stage: 'import',
      importFound: 3,
      importImported: 2,
      importFailed: 0,
      importAfterId: task(2),
      importAfterStamp: new Date(ENABLE_AT.getTime() - 60 * MINUTE),
    });
    expect(published.of('conn-1').map((c) => c.taskId)).toEqual([task(1), task(2)]);
    expect(status.last()).toMatchObject({ state: 'importing', import: { found: 3, imported: 2, done: false } });
    // By queryAll: an archived task changed in the window is imported too.
    expect(salesforce.asked.every((a) => a.all)).toBe(true);
  });

  it("R2: an import page is IMPORT_PAGE_SIZE records (it bounds what concurrent imports hold), not the polls' QUERY_PAGE_SIZE", async () => {
    const state = buildSyncState({ enableAt: ENABLE_AT, stage: 'import', importFound: 5 });
    const { step, states, salesforce } = setUp(state, { IMPORT_PAGE_SIZE: 2, QUERY_PAGE_SIZE: 10 });
    salesforce.answer({ records: [taskAt(1, -90), taskAt(2, -60)], morePages: false });

    // A full page of 2 leaves the import going, though it is short of the poll's 10.
    expect(await step()).toBe('continue');
    expect(salesforce.asked[0].soql).toMatch(/ LIMIT 2$/);
    expect(states.stored('conn-1')).toMatchObject({ stage: 'import', importImported: 2, importAfterId: task(2) });
  });

  it("R2: the import's last page (short of the page size) ends it: a first enable goes live and says so", async () => {
    const state = buildSyncState({
      enableAt: ENABLE_AT,
      stage: 'import',
      importFound: 3,
      importImported: 2,
      importAfterStamp: new Date(ENABLE_AT.getTime() - 60 * MINUTE),
      importAfterId: task(2),
    });
    const { step, states, salesforce, sentTaskIds, status } = setUp(state);
    salesforce.answer({ records: [taskAt(3, -30)], morePages: false });

    await step();

    expect(sentTaskIds()).toEqual([task(3)]);
    expect(salesforce.asked[0].soql).toContain(`Id > '${task(2)}'`);
    expect(states.stored('conn-1')).toMatchObject({ stage: 'live', importImported: 3, importAfterId: task(3) });
    expect(status.last()).toMatchObject({ state: 'syncing', import: { found: 3, imported: 3, done: true } });
  });

  it('R6: a poll publishes what changed after the watermark, moves it to the newest stamp, and a re-read of the look-back publishes nothing twice', async () => {
    const state = buildSyncState({
      enableAt: ENABLE_AT,
      stage: 'live',
      changesWatermark: ENABLE_AT,
      auditedAt: new Date(),
    });
    const { step, states, salesforce, sentTaskIds, status, published } = setUp(state, { QUERY_PAGE_SIZE: 10 });
    const changed = [taskAt(1, 1), taskAt(2, 2)];
    salesforce.answer({ records: changed, morePages: false }, { records: changed, morePages: false });

    expect(await step()).toBe('wait-for-next-poll');
    expect(sentTaskIds()).toEqual([task(1), task(2)]);
    const afterFirst = states.stored('conn-1');
    expect(afterFirst.changesWatermark).toEqual(new Date(ENABLE_AT.getTime() + 2 * MINUTE));
    expect(afterFirst).toMatchObject({ pollFrom: null, pollAfterId: null });
    expect(afterFirst.polledThrough).not.toBeNull();
    expect(status.last()).toMatchObject({ state: 'syncing', apiUsage: { used: 10, limit: 1000 } });

    // The next poll starts a look-back before the watermark and reads both again: nothing new.
    expect(await step()).toBe('idle');
    expect(salesforce.asked[1].soql).toContain('SystemModstamp >= 2026-11-24T09:57:00Z');
    expect(sentTaskIds()).toHaveLength(2);
    expect(states.stored('conn-1').changesWatermark).toEqual(afterFirst.changesWatermark);
    expect(published.pruned).toEqual([['conn-1'], ['conn-1']]);
  });

  it('R6: a full poll page keeps its keyset and goes on at once, without a status', async () => {
    const state = buildSyncState({
      enableAt: ENABLE_AT,
      stage: 'live',
      changesWatermark: ENABLE_AT,
      auditedAt: new Date(),
    });
    const { step, states, salesforce, status } = setUp(state);
    salesforce.answer({ records: [taskAt(1, 1), taskAt(2, 2)], morePages: false });

    expect(await step()).toBe('continue');
    expect(states.stored('conn-1')).toMatchObject({
      pollAfterId: task(2),
      pollAfterStamp: new Date(ENABLE_AT.getTime() + 2 * MINUTE),
    });
    expect(states.stored('conn-1').pollFrom).not.toBeNull();
    expect(status.reports).toEqual([]);
  });

  it('the position moves only after Kafka acknowledged: a refused publish leaves the poll where it was, and the read comes again', async () => {
    const state = buildSyncState({
      enableAt: ENABLE_AT,
      stage: 'live',
      changesWatermark: ENABLE_AT,
      auditedAt: new Date(),
    });
    const { step, states, salesforce, kafka, published, sentTaskIds } = setUp(state, { QUERY_PAGE_SIZE: 10 });
    const before = states.stored('conn-1');
    salesforce.answer({ records: [taskAt(1, 1)], morePages: false }, { records: [taskAt(1, 1)], morePages: false });
    kafka.down = true;

    await expect(step()).rejects.toThrow(/KafkaJSNumberOfRetriesExceeded/);
    expect(states.stored('conn-1')).toEqual(before);
    expect(published.of('conn-1')).toEqual([]);

    kafka.down = false;
    await step();
    expect(sentTaskIds()).toEqual([task(1)]);
  });

  it('a failed commit after the publish rolls the position back: the next step reads and publishes the change again (at least once)', async () => {
    const state = buildSyncState({
      enableAt: ENABLE_AT,
      stage: 'live',
      changesWatermark: ENABLE_AT,
      auditedAt: new Date(),
    });
    const { step, states, salesforce, transactions, sentTaskIds } = setUp(state, { QUERY_PAGE_SIZE: 10 });
    salesforce.answer({ records: [taskAt(1, 1)], morePages: false }, { records: [taskAt(1, 1)], morePages: false });
    transactions.failNext(new Error('connection terminated'));

    await expect(step()).rejects.toThrow(/connection terminated/);
    expect(states.stored('conn-1').changesWatermark).toEqual(ENABLE_AT);
    // The step's own copy moved with the save; the scheduler leases the stored row again for the next step.
    const again = setUp(Object.assign(state, states.stored('conn-1')));
    again.salesforce.answer({ records: [taskAt(1, 1)], morePages: false });
    await again.runner.runStep(state, again.salesforce);
    expect([...sentTaskIds(), ...again.sentTaskIds()]).toEqual([task(1), task(1)]);
  });

  it("Salesforce's API limit stops the step before anything is published; the one read-failure handler pauses the connection as paused-api-limit", async () => {
    const state = buildSyncState({
      enableAt: ENABLE_AT,
      stage: 'live',
      changesWatermark: ENABLE_AT,
      auditedAt: new Date(),
    });
    const { step, states, salesforce, kafka } = setUp(state);
    const before = states.stored('conn-1');
    salesforce.failWith(
      new SalesforceError(
        SalesforceErrorCode.ApiLimitExceeded,
        'TotalRequests Limit exceeded.',
        'REQUEST_LIMIT_EXCEEDED',
      ),
    );

    const failure = await step().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(kafka.sent).toEqual([]);
    expect(states.stored('conn-1')).toEqual(before);
    expect(handleReadFailure(failure)).toMatchObject({
      failure: { code: SalesforceErrorCode.ApiLimitExceeded },
      pause: true,
      state: 'paused-api-limit',
      orgLimitReached: true,
      sessionRefused: false,
    });
  });
});
