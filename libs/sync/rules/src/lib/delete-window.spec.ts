import { decideDeleteWindow, deleteWindowClosesInSeconds } from './delete-window';

const DAY = 24 * 3_600_000;
const firstEnabledAt = Date.parse('2026-10-01T09:00:00.000Z');
const disabledAt = Date.parse('2026-11-01T12:00:00.000Z');
const closesAt = disabledAt + 15 * DAY;
const disabled = { enabled: false, firstEnabledAt, disabledAt };

describe('R5 watchdog: when a disabled connection stops getting its Salesforce deletions back', () => {
  it('R5: the window closes 15 days after the disable', () => {
    expect(decideDeleteWindow(disabled, disabledAt)).toEqual({
      disabledAt: '2026-11-01T12:00:00.000Z',
      closesAt: '2026-11-16T12:00:00.000Z',
      warning: false,
      closed: false,
    });
  });

  it('R5: no warning 1 ms before the 3 days before closesAt', () => {
    expect(decideDeleteWindow(disabled, closesAt - 3 * DAY - 1)).toMatchObject({ warning: false, closed: false });
  });

  it('R5: warns from exactly 3 days before closesAt', () => {
    expect(decideDeleteWindow(disabled, closesAt - 3 * DAY)).toMatchObject({ warning: true, closed: false });
  });

  it('R5: exactly at closesAt it warns and is not closed yet (a re-enable then still brings every deletion back)', () => {
    expect(decideDeleteWindow(disabled, closesAt)).toMatchObject({ warning: true, closed: false });
    expect(deleteWindowClosesInSeconds({ closesAt: new Date(closesAt).toISOString() }, closesAt)).toBe(0);
  });

  it('R5: 1 ms after closesAt it is closed, still warning, and the metric goes negative', () => {
    expect(decideDeleteWindow(disabled, closesAt + 1)).toMatchObject({ warning: true, closed: true });
    expect(deleteWindowClosesInSeconds({ closesAt: new Date(closesAt).toISOString() }, closesAt + 1000)).toBe(-1);
  });

  it('R5: a connection that never synced has no window (nothing to bring back)', () => {
    expect(decideDeleteWindow({ enabled: false, firstEnabledAt: null, disabledAt: null }, closesAt)).toBeNull();
    expect(decideDeleteWindow({ enabled: false, firstEnabledAt: null, disabledAt }, closesAt)).toBeNull();
  });

  it('R5: an enabled connection has no window', () => {
    expect(decideDeleteWindow({ enabled: true, firstEnabledAt, disabledAt }, closesAt + DAY)).toBeNull();
  });
});
