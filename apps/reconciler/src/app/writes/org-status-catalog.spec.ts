import { chooseSfdcStatus } from '@task-sync/task-mapping';
import { OrgStatusCatalog, type StatusSource } from './org-status-catalog';

const SUPPORT = '012000000000002AAA';

/** An in-memory org as one rep sees it, counting what the catalog asks. */
function repOf(orgId: string, asked: string[], options: { failStatuses?: boolean } = {}): StatusSource {
  return {
    orgId: async () => orgId,
    readTaskStatuses: async () => {
      asked.push(`TaskStatus ${orgId}`);
      if (options.failStatuses)
        throw Object.assign(new Error('Service Unavailable'), { errorCode: 'SERVER_UNAVAILABLE' });
      return [
        { value: 'Open - New', closed: false, isDefault: true, sortOrder: 1 },
        { value: 'Working', closed: false, isDefault: false, sortOrder: 2 },
        { value: 'Done', closed: true, isDefault: false, sortOrder: 3 },
        { value: 'Cancelled', closed: true, isDefault: false, sortOrder: 4 },
      ];
    },
    readTaskRecordTypes: async () => {
      asked.push('describe');
      return { ids: [SUPPORT], defaultId: SUPPORT };
    },
    readRecordTypeStatuses: async (id) => {
      asked.push(`ui-api ${id}`);
      return { values: ['Working', 'Cancelled'], defaultValue: 'Working' };
    },
  };
}

describe('OrgStatusCatalog: the org’s statuses read once per org and kept for the refresh time', () => {
  it('two reps of one org: TaskStatus and each record type’s values once, describe once a rep', async () => {
    const asked: string[] = [];
    const catalog = new OrgStatusCatalog(60_000, () => 0);
    const first = await catalog.modelFor('c1', repOf('org1', asked));
    await catalog.modelFor('c1', repOf('org1', asked));
    await catalog.modelFor('c2', repOf('org1', asked));
    expect(asked).toEqual(['describe', 'TaskStatus org1', `ui-api ${SUPPORT}`, 'describe']);
    expect([chooseSfdcStatus(first, true), chooseSfdcStatus(first, false)]).toEqual(['Working', 'Cancelled']);
  });

  it('after the refresh time everything is read again; a read that failed is asked again at the next write', async () => {
    const asked: string[] = [];
    let now = 0;
    const catalog = new OrgStatusCatalog(60_000, () => now);
    await expect(catalog.modelFor('c1', repOf('org1', asked, { failStatuses: true }))).rejects.toThrow(
      'Service Unavailable',
    );
    await catalog.modelFor('c1', repOf('org1', asked));
    now = 60_000;
    await catalog.modelFor('c1', repOf('org1', asked));
    expect(asked).toEqual([
      'describe',
      'TaskStatus org1',
      'TaskStatus org1',
      `ui-api ${SUPPORT}`,
      'describe',
      'TaskStatus org1',
      `ui-api ${SUPPORT}`,
    ]);
  });
});
