import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import { CreateConnection1764000000200 } from '../connections/migrations';
import { CreateOrgReader1764000000206 } from '../org-reader/migrations';
import { CreateOrgApiCalls1764000000208 } from './migrations';
import { OrgApiCallsRepository } from './org-api-calls.repository';
import { OrgApiAllocationService } from './org-api-allocation.service';
import { setTimeout as sleep } from 'node:timers/promises';

const ORG = '00D000000000001AAA';
const OTHER = '00D000000000002AAA';

/**
 * The counter behind each org's API allocation, on real PostgreSQL, as two replicas of
 * connector-settings use it (each its own pool): the services' reports add up exactly, whichever
 * replica takes them, and calls leave the count as the rolling window moves past their bucket.
 */
describe('OrgApiCallsRepository (real PostgreSQL): our own Salesforce calls per org, across replicas', () => {
  let db: TestDatabase;
  let second: DataSource;
  let replicas: [OrgApiCallsRepository, OrgApiCallsRepository];

  beforeEach(async () => {
    db = await createTestDatabase({
      schema: 'connector_settings',
      migrations: [CreateConnection1764000000200, CreateOrgReader1764000000206, CreateOrgApiCalls1764000000208],
    });
    second = await new DataSource(db.dataSource.options).initialize();
    replicas = [new OrgApiCallsRepository(db.dataSource), new OrgApiCallsRepository(second)];
  });
  afterEach(async () => {
    await second.destroy();
    await db.drop();
  });

  it('reports from two replicas into the same bucket add up to every call, none lost to a race', async () => {
    const bucket = new Date('2026-03-01T10:05:00.000Z');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        replicas[i % 2].recordCalls(
          [
            { orgId: ORG, calls: 3 },
            { orgId: OTHER, calls: 1 },
          ],
          bucket,
          new Date(),
        ),
      ),
    );
    const rows = await replicas[1].findOrgs([ORG, OTHER], new Date('2026-03-01T00:00:00.000Z'));
    expect(rows.map((r) => [r.orgId, r.used])).toEqual([
      [ORG, 120],
      [OTHER, 40],
    ]);
  });

  it('counts only the buckets in the window; purging drops those that left it', async () => {
    const at = (iso: string) => new Date(iso);
    await replicas[0].recordCalls([{ orgId: ORG, calls: 7 }], at('2026-03-01T09:55:00.000Z'), new Date());
    await replicas[1].recordCalls([{ orgId: ORG, calls: 5 }], at('2026-03-01T10:00:00.000Z'), new Date());
    expect((await replicas[0].findOrgs([ORG], at('2026-03-01T10:00:00.000Z')))[0].used).toBe(5);
    await replicas[1].purgeBucketsBefore(at('2026-03-01T10:00:00.000Z'));
    expect((await replicas[0].findOrgs([ORG], at('2026-03-01T00:00:00.000Z')))[0].used).toBe(5);
  });

  it("keeps the org's limit as last read and an admin's allocation side by side; an org never seen answers zeros", async () => {
    const readAt = new Date('2026-03-01T10:00:00.000Z');
    await replicas[0].recordCalls([{ orgId: ORG, calls: 0, orgUsage: { used: 4_000, limit: 15_000 } }], readAt, readAt);
    await replicas[1].setAllocation(ORG, 1_200, 'admin-1');
    await replicas[0].recordCalls([{ orgId: ORG, calls: 2, orgUsage: { used: 4_100, limit: 15_000 } }], readAt, readAt);
    expect(await replicas[1].findOrgs([ORG, OTHER], readAt)).toEqual([
      { orgId: ORG, used: 2, adminAllocated: 1_200, orgLimit: 15_000, orgUsed: 4_100, limitReadAt: readAt },
      { orgId: OTHER, used: 0, adminAllocated: null, orgLimit: null, orgUsed: null, limitReadAt: null },
    ]);
    await replicas[0].setAllocation(ORG, null, 'admin-1');
    expect((await replicas[0].findOrgs([ORG], readAt))[0].adminAllocated).toBeNull();
  });

  it('the allocation reached is answered to every replica, and frees itself as the window rolls on', async () => {
    const settings = { defaultShare: 0.5, windowMs: 1_200, bucketMs: 200 };
    const services = [
      new OrgApiAllocationService(replicas[0], db.dataSource, settings),
      new OrgApiAllocationService(replicas[1], second, settings),
    ];
    // The default allocation: half the org's limit of 20.
    expect(await services[0].report([{ orgId: ORG, calls: 4, orgUsage: { used: 4, limit: 20 } }])).toEqual([
      { orgId: ORG, used: 4, allocated: 10, source: 'default' },
    ]);
    await services[1].report([{ orgId: ORG, calls: 6 }]);
    expect(await services[0].report([{ orgId: ORG, calls: 0 }])).toEqual([
      { orgId: ORG, used: 10, allocated: 10, source: 'default' },
    ]);
    await sleep(1_700);
    expect(await services[1].report([{ orgId: ORG, calls: 0 }])).toEqual([
      { orgId: ORG, used: 0, allocated: 10, source: 'default' },
    ]);
  });
});
