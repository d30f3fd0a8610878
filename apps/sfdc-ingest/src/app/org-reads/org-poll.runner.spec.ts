import type { EntityManager } from 'typeorm';
import type { KeysetPosition } from '@task-sync/sfdc-client';
import type { RoutedRecord } from '../stream/route-org-changes';
import { FakeSalesforceReads } from '../testing/fake-salesforce-reads';
import { buildTaskRecord, FIXTURE_OWNER, fixtureTaskId } from '../testing/sfdc-task.fixture';
import type { LeasedOrgPoll, OrgPollTarget } from './org-poll.repository';
import { OrgPollRunner, type OrgPollConfig } from './org-poll.runner';

const ORG = '00D000000000001AAA';
const WATERMARK = Date.parse('2026-11-24T10:00:00.000Z');

/** A task of the poll's one connection, changed `second` seconds after its watermark. */
const changedAt = (n: number, second: number) =>
  buildTaskRecord({
    Id: fixtureTaskId(n),
    SystemModstamp: new Date(WATERMARK + second * 1000).toISOString().replace('Z', '+0000'),
  });

/** The runner with a scripted Salesforce, and its tables and publisher as the records of what it asked. */
function setUp(config: Partial<OrgPollConfig> = {}) {
  const target: OrgPollTarget = {
    connectionId: 'conn-1',
    sfdcUserId: FIXTURE_OWNER,
    enabledSince: WATERMARK - 3_600_000,
    changesWatermark: WATERMARK,
    deletesWatermark: WATERMARK,
  };
  const pages: { covered: readonly string[]; newest: number | null; next: unknown }[] = [];
  const published: RoutedRecord[] = [];
  const pruned: string[][] = [];
  const salesforce = new FakeSalesforceReads();
  const manager = {} as EntityManager;
  const runner = new OrgPollRunner(
    { transaction: (work) => work(manager) },
    { publish: async () => undefined },
    {
      publishRouted: async (_orgId, _reader, routed, _via, commit) => {
        published.push(...routed);
        return {
          committed: await commit(manager),
          tasks: routed.length,
          connections: 1,
          alreadyPublished: 0,
          unmappable: [],
        };
      },
    },
    {
      targetsOf: async () => [target],
      recordPage: async (_manager, _orgId, covered, newest, next) => {
        pages.push({ covered, newest, next });
      },
      markAudited: async () => undefined,
    },
    {
      routesOf: async () => new Map(),
      withoutPublished: async (_connectionId, changes) => changes,
      remember: async () => undefined,
      pruneBehindWatermarks: async (connectionIds) => {
        pruned.push([...connectionIds]);
      },
    },
    {
      ORG_POLL_PAGE_SIZE: 2,
      POLL_LOOKBACK_MS: 120_000,
      ORG_DELETE_AUDIT_INTERVAL_MS: 3_600_000,
      ORG_POLL_OWNER_LIST_MAX: 400,
      SALESFORCE_API_VERSION: '62.0',
      ...config,
    },
  );
  // Audited just now: the step reads changes only (getDeleted rides with the first page when due).
  const org: LeasedOrgPoll = { orgId: ORG, pollFrom: null, after: null, auditedAt: Date.now(), pausedReason: null };
  return { runner, org, salesforce, pages, published, pruned, step: () => runner.runStep(org, salesforce) };
}

describe('OrgPollRunner: one step of an org poll, in memory', () => {
  it('an org poll page is ORG_POLL_PAGE_SIZE records: a full page goes on at once from its keyset, and prunes nothing yet', async () => {
    const { step, salesforce, pages, published, pruned, org } = setUp();
    salesforce.answer({ records: [changedAt(1, 1), changedAt(2, 2)], morePages: false });

    const outcome = await step();

    expect(outcome).toMatchObject({ more: true, published: 2 });
    expect(salesforce.asked[0]).toMatchObject({ all: true });
    expect(salesforce.asked[0].soql).toMatch(/ LIMIT 2$/);
    expect(published.map((r) => r.record.Id)).toEqual([fixtureTaskId(1), fixtureTaskId(2)]);
    const after: KeysetPosition = { stamp: WATERMARK + 2000, id: fixtureTaskId(2) };
    expect(pages).toEqual([
      { covered: ['conn-1'], newest: WATERMARK + 2000, next: { from: expect.any(Number), after } },
    ]);
    expect(org.after).toEqual(after);
    expect(pruned).toEqual([]);
  });

  it("a page short of ORG_POLL_PAGE_SIZE ends the poll: no keyset kept, and what is behind the connections' watermarks is pruned", async () => {
    const { step, salesforce, pages, pruned, org } = setUp({ ORG_POLL_PAGE_SIZE: 3 });
    salesforce.answer({ records: [changedAt(1, 1), changedAt(2, 2)], morePages: false });

    expect(await step()).toMatchObject({ more: false, published: 2 });
    expect(salesforce.asked[0].soql).toMatch(/ LIMIT 3$/);
    expect(pages).toEqual([{ covered: ['conn-1'], newest: WATERMARK + 2000, next: null }]);
    expect(org).toMatchObject({ pollFrom: null, after: null });
    expect(pruned).toEqual([['conn-1']]);
  });
});
