import {
  MAX_SETTINGS_WAIT_AHEAD_MS,
  MAX_WAIT_FOR_SETTINGS_CLOCK_MS,
  mustWaitForSettings,
  receivesChangeMadeAt,
  settingsNeededUpTo,
  waitForSettingsClockMs,
  judgeUnreceivedChange,
} from './windows';

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

  it('R7 exact: a Salesforce change read within its own second waits out the rest of that second before the settings are asked, instead of parking', () => {
    const needed = settingsNeededUpTo({ side: 'sfdc', changedAt: '2026-11-22T00:00:10.000Z' });
    const covered = Date.parse('2026-11-22T00:00:09.500Z');
    expect(waitForSettingsClockMs(needed, covered, Date.parse('2026-11-22T00:00:10.300Z'))).toBe(700);
    // The clock is past what the change needs: ask at once.
    expect(waitForSettingsClockMs(needed, covered, needed + 1)).toBe(0);
    // Already covered: nothing to wait for, nothing to ask.
    expect(waitForSettingsClockMs(needed, needed, Date.parse('2026-11-22T00:00:10.300Z'))).toBe(0);
    // Further ahead than a second (a clock ahead of ours): not waited for here; the change parks as before.
    expect(
      waitForSettingsClockMs(needed + MAX_WAIT_FOR_SETTINGS_CLOCK_MS, covered, Date.parse('2026-11-22T00:00:10.300Z')),
    ).toBe(0);
  });

  it('R7 exact: a change stamped far ahead of the clock (a wrong clock) is not held for ever', () => {
    const c = {
      side: 'salesconnect' as const,
      changedAt: new Date(now + MAX_SETTINGS_WAIT_AHEAD_MS + 1).toISOString(),
    };
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

describe('R3 and R6: a change made right after an enable is never skipped on a settings view that predates the enable', () => {
  const madeAt = Date.parse('2026-12-06T05:00:37.300Z');

  it('a change of a user with no enabled connection is skipped once the view covers when it was made', () => {
    expect(judgeUnreceivedChange(madeAt, madeAt)).toBe('skip');
    expect(judgeUnreceivedChange(madeAt, madeAt + 1_000)).toBe('skip');
  });

  it('a change the view does not cover yet awaits the settings: the enable may be on its way', () => {
    expect(judgeUnreceivedChange(madeAt, madeAt - 1)).toBe('await-settings');
    expect(judgeUnreceivedChange(madeAt, 0)).toBe('await-settings');
  });
});
