import { MAX_SETTINGS_WAIT_AHEAD_MS, mustWaitForSettings, receivesChangeMadeAt, settingsNeededUpTo } from './windows';

describe('R7 exact: a change waits for a view of the settings as new as the change', () => {
  const now = Date.parse('2026-11-22T00:00:10.000Z');

  it('R7 exact: a Sales Connect change needs the settings up to the millisecond it was made', () => {
    const c = { side: 'salesconnect' as const, changedAt: '2026-11-22T00:00:00.250Z' };
    expect(settingsNeededUpTo(c)).toBe(Date.parse('2026-11-22T00:00:00.250Z'));
    expect(mustWaitForSettings(c, Date.parse('2026-11-22T00:00:00.249Z'), now)).toBe(true);
    expect(mustWaitForSettings(c, Date.parse('2026-11-22T00:00:00.250Z'), now)).toBe(false);
  });

  it('R7 exact: a Salesforce change stamped in whole seconds needs the settings up to the end of its second', () => {
    const c = { side: 'sfdc' as const, changedAt: '2026-11-22T00:00:00.000Z' };
    expect(mustWaitForSettings(c, Date.parse('2026-11-22T00:00:00.998Z'), now)).toBe(true);
    expect(mustWaitForSettings(c, Date.parse('2026-11-22T00:00:00.999Z'), now)).toBe(false);
  });

  it('R7 exact: an import needs the settings up to its enable', () => {
    const c = { side: 'sfdc' as const, changedAt: '2026-11-21T08:00:00.000Z', enableAt: '2026-11-22T00:00:05.000Z' };
    expect(mustWaitForSettings(c, Date.parse('2026-11-22T00:00:04.000Z'), now)).toBe(true);
    expect(mustWaitForSettings(c, Date.parse('2026-11-22T00:00:05.000Z'), now)).toBe(false);
  });

  it('R7 exact: a change stamped far ahead of the clock (a wrong clock) is not held for ever', () => {
    const c = { side: 'salesconnect' as const, changedAt: new Date(now + MAX_SETTINGS_WAIT_AHEAD_MS + 1).toISOString() };
    expect(mustWaitForSettings(c, now, now)).toBe(false);
  });
});

describe('R7 exact: the ingests route a change made before a disable that they already applied', () => {
  const disabledAt = Date.parse('2026-11-22T00:00:00.500Z');

  it('R7 exact: a change made before the disable goes to the connection; one made at or after it does not', () => {
    expect(receivesChangeMadeAt({ disabledAt }, disabledAt - 1)).toBe(true);
    expect(receivesChangeMadeAt({ disabledAt }, disabledAt)).toBe(false);
    expect(receivesChangeMadeAt({ disabledAt }, disabledAt + 1)).toBe(false);
  });

  it('R7 exact: a connection whose sync is on receives every change', () => {
    expect(receivesChangeMadeAt({ disabledAt: null }, disabledAt + 60_000)).toBe(true);
  });
});
