import { decideDeleteWindow, type DeleteWindow } from '@task-sync/sync-rules';

/** The R5 watchdog's answer for a connection (null when enabled or never synced). */
export function deleteWindowOf(
  connection: { taskSyncEnabled: boolean; firstEnabledAt: Date | null },
  disabledAt: Date | null | undefined,
  now = Date.now(),
): DeleteWindow | null {
  return decideDeleteWindow(
    {
      enabled: connection.taskSyncEnabled,
      firstEnabledAt: connection.firstEnabledAt?.getTime() ?? null,
      disabledAt: disabledAt?.getTime() ?? null,
    },
    now,
  );
}
