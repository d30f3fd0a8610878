import { type SalesforceReads, type TaskRecordById } from '@task-sync/sfdc-client';
import type { DataSource } from 'typeorm';
import { decodeEvent, KAFKA_TOPICS, type SfdcTaskChanged } from '@task-sync/contracts';
import type { TaskChangeEvent } from '@task-sync/sfdc-change-feed';
import type { KafkaPublisher, OutgoingMessage } from '@task-sync/util-nest';
import {
  FIXTURE_OWNER as REP,
  buildTaskChangeEvent,
  buildTaskRecord,
  fixtureTaskId as task,
} from '../testing/sfdc-task.fixture';
import {
  publishedChangeOf,
  type PublishedChange,
  type PublishedChangeRepository,
} from '../sync/published-change.repository';
import { OrgChangePublisher, OrgStreamLeaseLost, describeBatch, type OrgBatchResult } from './org-change.publisher';
import type { OrgStreamRepository } from './org-stream.repository';

const ORG = '00D000000000001AAA';
const HOLDER = 'replica-a';

const record = (n: number, overrides: Partial<TaskRecordById> = {}) =>
  buildTaskRecord({ Id: task(n), Subject: `task ${n}`, ...overrides });
const event = (replayId: number, ids: string[], overrides: Partial<TaskChangeEvent> = {}) =>
  buildTaskChangeEvent({ replayId, recordIds: ids, ...overrides });

/** The publisher against in-memory stand-ins: Salesforce's answers, the projection, Kafka, the two tables. */
function setUp(salesforce: TaskRecordById[], options: { leaseHeld?: boolean; kafkaDown?: boolean } = {}) {
  const published = new Map<string, PublishedChange[]>();
  const sent: OutgoingMessage[] = [];
  const stored: { replayId: number; lastEventAt: Date | null }[] = [];
  const steps: string[] = [];
  const reader = {
    readTasksByIds: async (ids: string[]) => salesforce.filter((r) => ids.includes(r.Id)),
    resolveWhoEmails: async () => new Map<string, string | null>(),
  } as unknown as SalesforceReads;
  const publishedRepo = {
    withoutPublished: async <T extends PublishedChange>(connectionId: string, items: T[]) =>
      items.filter(
        (i) =>
          !(published.get(connectionId) ?? []).some(
            (p) => p.taskId === i.taskId && p.stamp === i.stamp && p.fingerprint === i.fingerprint,
          ),
      ),
    remember: async (_m: unknown, connectionId: string, changes: PublishedChange[]) => {
      steps.push('remember');
      published.set(connectionId, [...(published.get(connectionId) ?? []), ...changes]);
    },
    routesOf: async () => new Map<string, string[]>(),
    forgetRoute: async () => undefined,
  } as unknown as PublishedChangeRepository;
  const streams = {
    enabledConnectionsOf: async () => [
      { connectionId: 'conn-rep', sfdcUserId: REP, enabledSince: Date.parse('2026-11-24T09:30:00Z') },
    ],
    advanceReplay: async (_m: unknown, orgId: string, holder: string, replayId: number, lastEventAt: Date | null) => {
      steps.push('advance');
      if (options.leaseHeld === false) return false;
      stored.push({ replayId, lastEventAt });
      return orgId === ORG && holder === HOLDER;
    },
  } as unknown as OrgStreamRepository;
  const kafka = {
    publish: async (messages: OutgoingMessage[]) => {
      if (options.kafkaDown) throw new Error('KafkaJSNumberOfRetriesExceeded');
      steps.push('publish');
      sent.push(...messages);
    },
  } as unknown as KafkaPublisher;
  // The org's advisory lock is a query in the transaction: a stand-in answers it.
  const dataSource = {
    transaction: async (work: (m: unknown) => Promise<unknown>) => work({ query: async () => [] }),
  } as unknown as DataSource;
  const publisher = new OrgChangePublisher(dataSource, kafka, publishedRepo, streams);
  const events = () => sent.map((m) => decodeEvent(m.value, KAFKA_TOPICS.sfdcTaskChanges) as SfdcTaskChanged);
  return {
    publish: (batch: TaskChangeEvent[]) => publisher.publishBatch(ORG, HOLDER, reader, batch),
    sent,
    events,
    stored,
    steps,
    published,
  };
}

describe('OrgChangePublisher: one batch of an org stream onto Kafka', () => {
  it('publishes what the poll would for the owner’s connection, then stores the last replay id', async () => {
    const { publish, events, stored, steps } = setUp([
      record(1),
      record(2, { IsDeleted: true }),
      record(3, { OwnerId: '005000000000009AAA' }),
    ]);
    const result = await publish([
      event(10, [task(1)]),
      event(11, [task(2)], { changeType: 'DELETE' }),
      event(12, [task(3)]),
    ]);
    expect(events().map((e) => [e.connectionId, e.kind, e.taskId, e.source])).toEqual([
      ['conn-rep', 'upsert', task(1), 'live'],
      ['conn-rep', 'delete', task(2), 'live'],
    ]);
    expect(events()[1]).toMatchObject({ fields: null, changedAt: '2026-11-24T10:00:05.000Z' });
    expect(steps).toEqual(['publish', 'remember', 'advance']);
    expect(stored).toEqual([{ replayId: 12, lastEventAt: new Date('2026-11-24T10:00:05.000Z') }]);
    expect(result).toMatchObject({ events: 3, tasks: 2, connections: 1, notOurs: 1, alreadyPublished: 0 });
  });

  it('a replayed batch, or a record the poll already published as it is, publishes nothing again', async () => {
    const { publish, events, published, stored } = setUp([record(1), record(2)]);
    published.set('conn-rep', [publishedChangeOf(record(2))]);
    await publish([event(10, [task(1), task(2)])]);
    const again = await publish([event(10, [task(1), task(2)])]);
    expect(events().map((e) => e.taskId)).toEqual([task(1)]);
    expect(again).toMatchObject({ tasks: 0, alreadyPublished: 2 });
    expect(stored.map((s) => s.replayId)).toEqual([10, 10]);
  });

  it('sets the origin when the read is the state the event left, and not otherwise', async () => {
    const ours = {
      originClient: 'task-sync',
      changeOrigin: 'com/salesforce/api/rest/62.0;client=task-sync',
      fields: { Subject: 'task 1' },
    };
    const { publish, events } = setUp([record(1), record(2, { SystemModstamp: '2026-11-24T10:00:09.000+0000' })]);
    await publish([event(10, [task(1)], ours), event(11, [task(2)], ours)]);
    expect(events().map((e) => [e.taskId, e.origin])).toEqual([
      [task(1), 'task-sync'],
      [task(2), null],
    ]);
  });

  it('stores no replay id when Kafka did not acknowledge: the batch comes again', async () => {
    const { publish, stored, published } = setUp([record(1)], { kafkaDown: true });
    await expect(publish([event(10, [task(1)])])).rejects.toThrow(/KafkaJS/);
    expect(stored).toEqual([]);
    expect(published.size).toBe(0);
  });

  it('a replica that lost its lease remembers what it published but fails the batch', async () => {
    const { publish, published } = setUp([record(1)], { leaseHeld: false });
    await expect(publish([event(10, [task(1)])])).rejects.toBeInstanceOf(OrgStreamLeaseLost);
    expect(published.get('conn-rep')).toHaveLength(1);
  });

  it('an overflow event names no record: nothing is read, the replay id still moves', async () => {
    const { publish, stored } = setUp([]);
    const result = await publish([event(10, [], { changeType: 'GAP_OVERFLOW' })]);
    expect(result).toMatchObject({ events: 1, tasks: 0, overflows: 1 });
    expect(stored.map((s) => s.replayId)).toEqual([10]);
  });
});

describe('describeBatch: a line a person can follow', () => {
  const base: OrgBatchResult = {
    events: 3,
    firstReplayId: 120,
    lastReplayId: 124,
    tasks: 2,
    connections: 1,
    alreadyPublished: 0,
    notOurs: 0,
    beforeEnable: 0,
    unanswered: 0,
    overflows: 0,
    unmappable: [],
  };
  it.each<[Partial<OrgBatchResult>, string]>([
    [{}, 'org 00D000000000001AAA: 3 events → 2 tasks for 1 connection (replay 120–124)'],
    [
      { events: 1, firstReplayId: 7, lastReplayId: 7, tasks: 1 },
      'org 00D000000000001AAA: 1 event → 1 task for 1 connection (replay 7)',
    ],
    [
      { alreadyPublished: 1, notOurs: 2, overflows: 1 },
      'org 00D000000000001AAA: 3 events → 2 tasks for 1 connection (replay 120–124; 1 already published; 2 tasks of no enabled connection; 1 overflow event naming no record, left to the org poll)',
    ],
  ])('%j', (changes, line) => {
    expect(describeBatch(ORG, { ...base, ...changes })).toBe(line);
  });
});
