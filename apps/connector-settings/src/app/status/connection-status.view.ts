import type { DeleteWindow } from '@task-sync/sync-rules';
import type { ApiAllocationUsage } from '../api-allocation/api-allocation.view';
import type { ConnectionSetupView } from '../connection-preflight/connection-preflight.view';
import type { ReadMode } from '../org-reader/read-mode';
import type { ConnectionError, ConnectionStatus } from './connection-status';

/** What the settings page shows: state, the import's progress, last sync, errors by reason, API usage, how changes are read. */
export interface ConnectionStatusView {
  /** The services' reported state; while the preflight pauses the connection, the preflight's state (`missing-external-id-field`, …). */
  state: string;
  import: ConnectionStatus['importProgress'];
  lastSyncedAt: string | null;
  apiUsage: { used: number; limit: number } | null;
  /** The sync's own calls in the connection's org over the rolling 24 hours, against the org's allocation. */
  apiAllocation: ApiAllocationUsage;
  recentErrors: { code: string; count: number; lastMessage: string; lastAt: string }[];
  readMode: ReadMode;
  /** The connection's last preflight: whether its rep can sync in their org, and what to do if not (null before the first). */
  setup: ConnectionSetupView | null;
  /** R5 watchdog: while a connection that synced before is disabled, when its Salesforce deletions stop coming back on re-enable; else null. */
  deleteWindow: DeleteWindow | null;
}

export function toStatusView(
  status: ConnectionStatus | null,
  errors: ConnectionError[],
  readMode: ReadMode,
  apiAllocation: ApiAllocationUsage,
  setup: ConnectionSetupView | null = null,
  deleteWindow: DeleteWindow | null = null,
): ConnectionStatusView {
  return {
    state: setup?.paused ? setup.state : (status?.state ?? 'idle'),
    import: status?.importProgress ?? null,
    lastSyncedAt: status?.lastSyncedAt?.toISOString() ?? null,
    apiUsage:
      status?.apiUsed != null && status.apiLimit != null ? { used: status.apiUsed, limit: status.apiLimit } : null,
    apiAllocation,
    recentErrors: errors.map((e) => ({
      code: e.code,
      count: e.count,
      lastMessage: e.lastMessage,
      lastAt: e.lastAt.toISOString(),
    })),
    readMode,
    setup,
    deleteWindow,
  };
}
