import { toCsv } from './failed-tasks.csv';

describe('toCsv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    const csv = toCsv<{ a: string | null; b: number }>(
      [
        ['subject', (r) => r.a],
        ['attempts', (r) => r.b],
      ],
      [
        { a: 'Call "Ana", today', b: 1 },
        { a: '=HYPERLINK("x")', b: 2 },
        { a: null, b: 3 },
      ],
    );
    expect(csv).toBe('subject,attempts\r\n"Call ""Ana"", today",1\r\n"\'=HYPERLINK(""x"")",2\r\n,3\r\n');
  });
});
