import { SettingsView, type SettingsWatermark } from './settings-watermark';

const ends = [{ partition: 0, offset: '7', low: '0' }];

/** A connector-settings that answers the given instants in turn, counting the asks. */
function source(...answers: string[]) {
  const state = { asks: 0 };
  return {
    state,
    read: async (): Promise<SettingsWatermark> => ({ at: answers[Math.min(state.asks++, answers.length - 1)], ends }),
  };
}

describe('SettingsView (R7 exact: a change waits for the settings as new as itself)', () => {
  const t = (s: string) => Date.parse(`2026-11-22T00:00:${s}Z`);

  it('R7 exact: covers an instant once the settings consumer applied what the watermark counts; not before', async () => {
    const src = source('2026-11-22T00:00:10.000Z');
    let applied = false;
    const view = new SettingsView(src, { hasApplied: async (e) => (expect(e).toEqual(ends), applied) });
    expect(await view.covers(t('05.000'))).toBe(false);
    applied = true;
    expect(await view.covers(t('05.000'))).toBe(true);
    expect(view.coveredUpTo).toBe(t('10.000'));
    expect(await view.covers(t('10.001'))).toBe(false);
  });

  it('asks connector-settings once for callers waiting together, and not at all for what it covers already', async () => {
    const src = source('2026-11-22T00:00:10.000Z');
    const view = new SettingsView(src, { hasApplied: async () => true });
    expect(await Promise.all([view.covers(t('01.000')), view.covers(t('02.000')), view.covers(t('03.000'))])).toEqual([
      true,
      true,
      true,
    ]);
    expect(src.state.asks).toBe(1);
    expect(await view.covers(t('09.000'))).toBe(true);
    expect(src.state.asks).toBe(1);
  });

  it('answers "not covered" at once for a second after connector-settings failed, then asks again', async () => {
    let now = t('00.000');
    const errors: unknown[] = [];
    let fail = true;
    const view = new SettingsView(
      {
        read: async () =>
          fail ? Promise.reject(new Error('connection refused')) : { at: '2026-11-22T00:00:10.000Z', ends },
      },
      { hasApplied: async () => true },
      (e) => errors.push(e),
      () => now,
    );
    expect(await view.covers(t('05.000'))).toBe(false);
    expect(errors).toHaveLength(1);
    fail = false;
    expect(await view.covers(t('05.000'))).toBe(false); // within the second: not asked
    expect(errors).toHaveLength(1);
    now += 1_000;
    expect(await view.covers(t('05.000'))).toBe(true);
  });
});
