import { csvFileName, describeAccepted, describeGroup, describeValue, groupQuery, sortGroups } from './health';
import type { ProblemGroup } from './api/types';
import { summarizeUsage, usageRows } from './usage';

const group = (over: Partial<ProblemGroup>): ProblemGroup => ({
  code: 'X',
  side: 'sfdc',
  title: 'T',
  advice: '',
  message: '',
  count: 1,
  ...over,
});

describe('problem groups', () => {
  it('read in plain words with the side and how many tasks', () => {
    expect(describeGroup(group({ title: 'Salesforce refused the write', count: 3 }))).toBe(
      'Salesforce refused the write (Salesforce, 3 tasks)',
    );
    expect(describeGroup(group({ title: 'Task not found', side: 'salesconnect', count: 1 }))).toBe(
      'Task not found (Sales Connect, 1 task)',
    );
  });

  it('come most affected first, in a stable order on ties', () => {
    const sorted = sortGroups([
      group({ code: 'B', count: 2 }),
      group({ code: 'A', count: 2, side: 'salesconnect' }),
      group({ code: 'C', count: 5 }),
      group({ code: 'A', count: 2 }),
    ]);
    expect(sorted.map((g) => `${g.side}:${g.code}`)).toEqual(['sfdc:C', 'salesconnect:A', 'sfdc:A', 'sfdc:B']);
  });

  it('filter the list by side and code, the code escaped', () => {
    expect(groupQuery({ side: 'salesconnect', code: 'A&B' })).toBe('code=A%26B&side=salesconnect');
  });

  it('name their CSV export', () => {
    expect(csvFileName('0123456789abcdef', { side: 'sfdc', code: 'FIELD_INTEGRITY' })).toBe(
      'failed-tasks-01234567-sfdc-field_integrity.csv',
    );
    expect(csvFileName('0123456789abcdef')).toBe('failed-tasks-01234567.csv');
  });

  it('say what Retry now and Ignore did', () => {
    expect(describeAccepted(1, 'retry')).toBe('1 task will be retried now.');
    expect(describeAccepted(4, 'ignore')).toBe('4 tasks ignored: they leave this list until they change again.');
  });
});

describe('conflict values', () => {
  it.each([
    [null, '(empty)'],
    ['', '(empty)'],
    ['Call Ana', 'Call Ana'],
    [true, 'true'],
    [{ a: 1 }, '{"a":1}'],
  ])('%p reads %p', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('API usage over 24 hours', () => {
  const label = (iso: string) => iso.slice(11, 16);
  const usage = {
    used: 30,
    allocated: 100,
    buckets: [
      { start: '2026-01-01T10:00:00.000Z', calls: 0 },
      { start: '2026-01-01T11:00:00.000Z', calls: 25 },
      { start: '2026-01-01T12:00:00.000Z', calls: 5 },
    ],
  };

  it('becomes chart rows, oldest first, empty buckets kept as 0', () => {
    expect(usageRows(usage, label)).toEqual([
      { label: '10:00', start: '2026-01-01T10:00:00.000Z', calls: 0 },
      { label: '11:00', start: '2026-01-01T11:00:00.000Z', calls: 25 },
      { label: '12:00', start: '2026-01-01T12:00:00.000Z', calls: 5 },
    ]);
  });

  it('is summed up against the allocation with the busiest bucket', () => {
    expect(summarizeUsage(usage, label)).toBe(
      '30 calls in the last 24 hours, 100 allocated (30%). Busiest: 25 calls from 11:00.',
    );
    expect(summarizeUsage({ used: 0, allocated: null, buckets: [] }, label)).toBe(
      '0 calls in the last 24 hours, no allocation set.',
    );
  });
});
