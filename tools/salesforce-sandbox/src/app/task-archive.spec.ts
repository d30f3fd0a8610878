import type { Fields, TaskRecord } from './sandbox-records';
import { isDueForArchive, selectTasksToArchive } from './task-archive';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const closed = (extra: Fields): Fields => ({ IsClosed: true, ActivityDate: null, CreatedDate: NOW, ...extra });

describe('archived activities: which tasks Salesforce archives', () => {
  it.each([
    ['closed, due 365 days ago', closed({ ActivityDate: '2025-11-24' }), true],
    ['closed, due 364 days ago', closed({ ActivityDate: '2025-11-25' }), false],
    ['open, due 2 years ago', { ...closed({ ActivityDate: '2024-11-24' }), IsClosed: false }, false],
    ['closed, no due date, created 365 days ago', closed({ CreatedDate: NOW - 365 * DAY }), true],
    [
      'closed, no due date, created 364 days and 23 hours ago',
      closed({ CreatedDate: NOW - 365 * DAY + 3_600_000 }),
      false,
    ],
    // The due date decides when there is one, however old the task is.
    [
      'closed, created 2 years ago, due last month',
      closed({ CreatedDate: NOW - 730 * DAY, ActivityDate: '2026-10-24' }),
      false,
    ],
  ])('%s: %s', (_label, fields, expected) => {
    expect(isDueForArchive(fields, NOW)).toBe(expected);
  });

  it('takes another age when asked (orgs can extend it up to 3,650 days)', () => {
    expect(isDueForArchive(closed({ ActivityDate: '2026-11-14' }), NOW, 10)).toBe(true);
    expect(isDueForArchive(closed({ ActivityDate: '2026-11-15' }), NOW, 10)).toBe(false);
  });

  it('selects live tasks that are not archived yet', () => {
    const task = (id: string, fields: Fields, deletedAt: number | null = null): TaskRecord => ({
      fields: { Id: id, ...fields },
      deletedAt,
      lastModifiedByClient: null,
    });
    const old = { ActivityDate: '2024-01-01' };
    const tasks = [
      task('a', closed(old)),
      task('b', closed({ ...old, IsArchived: true })),
      task('c', closed(old), NOW),
      task('d', closed({})),
    ];
    expect(selectTasksToArchive(tasks, NOW)).toEqual(['a']);
  });
});
