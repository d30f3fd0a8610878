import { decideSettingChange } from './task-sync-setting';

describe('decideSettingChange', () => {
  const enabledBefore = new Date('2026-11-01T00:00:00Z');
  it.each([
    [{ enabled: false, firstEnabledAt: null }, true, 'first-enable'],
    [{ enabled: false, firstEnabledAt: enabledBefore }, true, 're-enable'],
    [{ enabled: true, firstEnabledAt: enabledBefore }, false, 'disable'],
    [{ enabled: true, firstEnabledAt: enabledBefore }, true, null],
    [{ enabled: false, firstEnabledAt: null }, false, null],
  ])('%j saved as %s → %s', (current, requested, kind) => {
    expect(decideSettingChange(current, requested)).toBe(kind);
  });
});
