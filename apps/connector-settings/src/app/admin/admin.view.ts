import { isBlockingReadiness, type DeleteWindow } from '@task-sync/sync-rules';
import type { ApiUsageOverWindow } from '../api-allocation/api-allocation.view';
import { deleteWindowOf } from '../delete-window/delete-window.view';
import type { Page } from '../http/pagination';
import type { OrgReaderView } from '../org-reader/org-reader.view';
import type { ReadMode } from '@task-sync/contracts/http';
import type { RepRow } from './admin-reps.repository';

/** One rep of an org as an admin sees it. */
export interface AdminRepView {
  connectionId: string;
  userId: string;
  sfdcUsername: string;
  /** As the rep's status says it: the preflight's state while it pauses the connection, else the services' (idle before any report). */
  state: string;
  readMode: ReadMode;
  taskSyncEnabled: boolean;
  /** Tasks whose write to a side failed and is not settled (failed_task rows). */
  openProblems: number;
  lastSyncAt: string | null;
  deleteWindow: DeleteWindow | null;
}

/** One of the tenant's Salesforce orgs (GET /v1/admin/orgs). */
export interface AdminOrgView {
  orgId: string;
  /** The tenant's reader of the org; null when it has none. */
  reader: OrgReaderView | null;
  apiUsage: Omit<ApiUsageOverWindow, 'orgId'>;
  reps: Page<AdminRepView>;
}

export function toAdminRepView(row: RepRow, readMode: ReadMode, now = Date.now()): AdminRepView {
  return {
    connectionId: row.connectionId,
    userId: row.userId,
    sfdcUsername: row.sfdcUsername,
    state:
      row.preflightState && isBlockingReadiness(row.preflightState)
        ? row.preflightState
        : (row.reportedState ?? 'idle'),
    readMode,
    taskSyncEnabled: row.taskSyncEnabled,
    openProblems: row.openProblems,
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    deleteWindow: deleteWindowOf(row, row.disabledAt, now),
  };
}
