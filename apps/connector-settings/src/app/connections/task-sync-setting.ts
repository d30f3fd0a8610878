export type SettingChangeKind = 'first-enable' | 're-enable' | 'disable';

/**
 * What saving the "Sync tasks" checkbox means for a connection: the first enable ever (R2, R3),
 * a re-enable (R5), a disable (R7), or nothing when it already had that value (saving twice
 * publishes once).
 */
export function decideSettingChange(
  current: { enabled: boolean; firstEnabledAt: Date | null },
  requested: boolean,
): SettingChangeKind | null {
  if (current.enabled === requested) return null;
  if (!requested) return 'disable';
  return current.firstEnabledAt === null ? 'first-enable' : 're-enable';
}
