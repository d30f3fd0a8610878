import { describeAllocation, describeDeleteWindow, describeImport, describeReadMode, describeSaved } from './format';

describe('the Connection view’s words', () => {
  it('describes the API allocation, and when it is reached', () => {
    expect(describeAllocation({ used: 3, allocated: null })).toBe('3 / not allocated yet');
    expect(describeAllocation({ used: 3, allocated: 10 })).toBe('3 / 10 allocated');
    expect(describeAllocation({ used: 10, allocated: 10 })).toBe(
      '10 / 10 allocated (reached: paused until the rolling 24 hours free calls)',
    );
  });

  it('describes how changes are read', () => {
    expect(describeReadMode({ mode: 'rep-poll', reason: 'no org reader' })).toBe('Per-rep polling: no org reader');
    expect(describeReadMode({ mode: 'org-stream', reason: 'x', reader: 'admin@x', stream: { state: 'up' } })).toBe(
      'Org stream (reader: admin@x)',
    );
    expect(
      describeReadMode({ mode: 'org-stream', reason: 'limit reached', reader: 'admin@x', stream: { state: 'down' } }),
    ).toBe('Org stream (reader: admin@x): limit reached');
  });

  it('describes the import', () => {
    expect(describeImport(null)).toBe('–');
    expect(describeImport({ found: 120, imported: 45, failed: 0, done: false })).toBe(
      '45 of 120 imported (importing…)',
    );
    expect(describeImport({ found: 3, imported: 2, failed: 1, done: true })).toBe('2 of 3 imported, 1 failed (done)');
  });

  it('says what a Save did', () => {
    expect(describeSaved({ change: 'first-enable' })).toBe(
      'Saved. Sync started: importing your Salesforce tasks of the last 24 hours.',
    );
    expect(describeSaved({ change: null })).toBe('Saved. Nothing changed.');
  });
});

describe('R5: the delete window while sync is off', () => {
  const window = (closesAt: string, warning: boolean, closed: boolean) => ({
    disabledAt: '2026-03-01T12:00:00.000Z',
    closesAt,
    warning,
    closed,
  });
  const now = new Date('2026-03-10T12:00:00.000Z');

  it('informs before the warning, with the date', () => {
    const d = describeDeleteWindow(window('2026-03-16T12:00:00.000Z', false, false), now);
    expect(d.tone).toBe('info');
    expect(d.text).toContain('March 16, 2026');
  });

  it('warns from 3 days before with the days left', () => {
    expect(describeDeleteWindow(window('2026-03-13T12:00:00.000Z', true, false), now)).toEqual({
      tone: 'warning',
      text: expect.stringContaining('(in 3 days)'),
    });
    expect(describeDeleteWindow(window('2026-03-11T12:00:00.000Z', true, false), now).text).toContain('(in 1 day)');
    expect(describeDeleteWindow(window('2026-03-10T12:00:00.000Z', true, false), now).text).toContain('(today)');
  });

  it('says when it has closed', () => {
    expect(describeDeleteWindow(window('2026-03-09T12:00:00.000Z', false, true), now)).toEqual({
      tone: 'closed',
      text: expect.stringContaining('closed on March 9, 2026'),
    });
  });
});
