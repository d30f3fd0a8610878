import {
  buildTaskStatusRows,
  DEFAULT_TASK_STATUSES,
  defaultTaskStatus,
  isClosedStatus,
  taskStatusList,
  taskStatusPicklist,
  withSortOrder,
} from './task-statuses';

const ids = () => {
  let n = 0;
  return () => `01J${++n}`;
};

describe('Task Status values per org', () => {
  it('a new org has the five standard statuses: Not Started the default, only Completed closed', () => {
    const rows = buildTaskStatusRows(DEFAULT_TASK_STATUSES, [], 1000, null, ids());
    expect(rows.map((r) => r.SortOrder)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.filter((r) => r.IsClosed).map((r) => r.ApiName)).toEqual(['Completed']);
    expect(defaultTaskStatus(rows)).toBe('Not Started');
    expect(isClosedStatus(rows, 'Completed')).toBe(true);
    expect(isClosedStatus(rows, 'Deferred')).toBe(false);
    expect(isClosedStatus(rows, 'Unknown')).toBe(false);
  });

  it.each([
    ['no default', [{ value: 'Open', closed: false }], /exactly one status must be the default \(0 are\)/],
    [
      'two defaults',
      [
        { value: 'Open', closed: false, default: true },
        { value: 'New', closed: false, default: true },
      ],
      /exactly one .* \(2 are\)/,
    ],
    ['a closed default (Setup refuses it)', [{ value: 'Done', closed: true, default: true }], /cannot be a closed one/],
    [
      'a value twice, in any case',
      [
        { value: 'Open', closed: false, default: true },
        { value: 'open', closed: true },
      ],
      /listed twice/,
    ],
    ['an empty list', [], /Too small|>=1/i],
  ])('a list with %s is refused', (_name, list, message) => {
    const parsed = taskStatusList.safeParse(list);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.message).toMatch(message);
  });

  it('a status that stays keeps its row (Id, stamps); a changed one keeps its Id and gets new stamps; a new one gets a new row', () => {
    const before = buildTaskStatusRows(DEFAULT_TASK_STATUSES, [], 1000, null, ids());
    const next = ids();
    const after = buildTaskStatusRows(
      [
        { value: 'Not Started', closed: false, default: true, sortOrder: 1 },
        { value: 'Deferred', closed: true, sortOrder: 2 },
        { value: 'Done', label: 'Done and dusted', closed: true, sortOrder: 3 },
      ],
      before,
      2000,
      '005x',
      () => `new-${next()}`,
    );
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toMatchObject({
      Id: before[4].Id,
      IsClosed: true,
      CreatedDate: 1000,
      LastModifiedDate: 2000,
      SystemModstamp: 2000,
      LastModifiedById: '005x',
    });
    expect(after[2]).toMatchObject({
      Id: 'new-01J1',
      ApiName: 'Done',
      MasterLabel: 'Done and dusted',
      CreatedDate: 2000,
    });
  });

  it('the picklist follows SortOrder and answers labels; rows from old snapshots get their list position', () => {
    const rows = buildTaskStatusRows(
      [
        { value: 'b', closed: false, sortOrder: 20 },
        { value: 'a', label: 'A label', closed: true, sortOrder: 10 },
        { value: 'c', closed: false, default: true, sortOrder: 30 },
      ],
      [],
      0,
      null,
      ids(),
    );
    expect(taskStatusPicklist(rows)).toEqual([
      { value: 'a', label: 'A label', isDefault: false, closed: true },
      { value: 'b', label: 'b', isDefault: false, closed: false },
      { value: 'c', label: 'c', isDefault: true, closed: false },
    ]);
    const old = rows.map((row) => {
      const copy = { ...row };
      delete copy.SortOrder;
      return copy;
    });
    expect(withSortOrder(old).map((r) => r.SortOrder)).toEqual([1, 2, 3]);
  });
});
