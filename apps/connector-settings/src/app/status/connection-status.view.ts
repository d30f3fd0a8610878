import type {
  ApiAllocationUsage,
  ConnectionSetupView,
  ConnectionStatusView,
  DeleteWindow,
  ReadMode,
} from '@task-sync/contracts/http';
import type { ConnectionError, ConnectionStatus } from './connection-status';

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
