import { SalesforceErrorCode } from '@task-sync/sfdc-client';
import { ApiBudget } from './api-budget';

describe('ApiBudget', () => {
  let now = 0;
  const budget = () => new ApiBudget(0.5, 1000, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets calls go while the org is under its share', () => {
    const b = budget();
    expect(b.check('org')).toBe('go');
    b.record('org', { used: 499, limit: 1000 });
    expect(b.check('org')).toBe('go');
  });

  it('stops at the share, says why, and after the recheck time asks for one probe', () => {
    const b = budget();
    b.record('org', { used: 500, limit: 1000 });
    expect(() => b.check('org')).toThrow(
      expect.objectContaining({
        code: SalesforceErrorCode.ApiBudgetReached,
        message: expect.stringMatching(/500 of 1000.*50 %/),
      }),
    );
    now += 1000;
    expect(b.check('org')).toBe('probe');
    // The probe still sees the share used: paused again for another recheck period.
    b.record('org', { used: 501, limit: 1000 });
    expect(() => b.check('org')).toThrow();
    now += 999;
    expect(() => b.check('org')).toThrow();
    now += 1;
    expect(b.check('org')).toBe('probe');
    // The day's usage reset: going again.
    b.record('org', { used: 3, limit: 1000 });
    expect(b.check('org')).toBe('go');
    expect(b.pausedUntil('org')).toBeNull();
  });

  it('pauses an org that Salesforce says is out (REQUEST_LIMIT_EXCEEDED), whatever the last figure was', () => {
    const b = budget();
    b.record('org', { used: 10, limit: 1000 });
    b.exhausted('org');
    expect(() => b.check('org')).toThrow();
    expect(b.usageOf('org')).toEqual({ used: 1000, limit: 1000 });
  });

  it('keeps orgs apart', () => {
    const b = budget();
    b.record('a', { used: 900, limit: 1000 });
    expect(() => b.check('a')).toThrow();
    expect(b.check('b')).toBe('go');
  });
});
