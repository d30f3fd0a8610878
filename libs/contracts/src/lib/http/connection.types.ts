// The settings API's connection shapes (/v1/connections…), written once: connector-settings answers
// them, the settings page and the platform suites read them. Types only, so the page's bundle takes
// nothing from here.
import type { ConnectionReadiness, DeleteWindow } from '@task-sync/sync-rules';
import type { OrgStreamStatusChanged } from '../events/org-stream-status-changed.event';
import type { TaskHealthSide } from './task-health.types';

export type { DeleteWindow };

/** Where a connection signs in to Salesforce. */
export type ConnectionEnvironment = 'production' | 'sandbox' | 'my-domain';

/** The org's change stream as sfdc-ingest last reported it (the org-stream-status-changed event), since when. */
export type OrgStreamView = Pick<OrgStreamStatusChanged, 'state' | 'reason' | 'pollEveryMs' | 'retryAt'> & {
  since: string;
};

/**
 * How a connection's Salesforce changes are read: once for the whole org through its reader's
 * change stream, or by polling with the rep's own session. `reason` says why, in the page's words.
 */
export type ReadMode =
  | { mode: 'org-stream'; reader: string; reason: string; stream: OrgStreamView | null }
  | { mode: 'per-rep-polling'; reason: string };

export interface TaskSyncView {
  enabled: boolean;
  firstEnabledAt: string | null;
}

/** What the API shows of a connection: never a token or a secret. */
export interface ConnectionView {
  id: string;
  timeZone: string;
  salesforce: {
    orgId: string;
    userId: string;
    username: string;
    instanceUrl: string;
    environment: ConnectionEnvironment;
    loginHost: string;
  };
  taskSync: TaskSyncView;
  /** How its Salesforce changes are read: the org's stream (through the org's reader) or polling with the rep's session. */
  readMode: ReadMode;
  createdAt: string;
}

/** The current import's progress: found / imported / failed / done (R1), of the enable at `enableAt`. */
export interface ImportProgressView {
  enableAt: string;
  found: number;
  imported: number;
  failed: number;
  done: boolean;
}

/** What a rep's status shows: "API calls today: used / allocated" for the connection's org. */
export interface ApiAllocationUsage {
  used: number;
  allocated: number | null;
}

/** What the page and the API show of a connection's preflight: the state, what to do, when it was checked. */
export interface ConnectionSetupView {
  state: ConnectionReadiness;
  /** True while the state pauses the connection's reads and writes. */
  paused: boolean;
  /** What is wrong and what to do about it, in a sentence. */
  advice: string;
  /** What Salesforce said, when it adds to the sentence. */
  detail: string | null;
  checkedAt: string;
}

/** What the settings page shows: state, the import's progress, last sync, errors by reason, API usage, how changes are read. */
export interface ConnectionStatusView {
  /** The services' reported state; while the preflight pauses the connection, the preflight's state (`missing-external-id-field`, …). */
  state: string;
  import: ImportProgressView | null;
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

/** GET /v1/connections/{id}/import-preview: what "Sync tasks" would import if saved now (R2), and that nothing goes the other way (R3). */
export interface ImportPreviewView {
  windowStart: string;
  windowEnd: string;
  count: number;
  /** At most 20, newest change first. */
  tasks: {
    sfdcTaskId: string;
    subject: string | null;
    status: string | null;
    activityDate: string | null;
    lastModifiedDate: string;
    salesforceUrl: string;
  }[];
  /** R3: the enable sends no existing Sales Connect task to Salesforce. */
  salesConnectTasksSent: false;
}

/** One task the sync could not write to one side, as the settings API shows it. */
export interface FailedTaskView {
  /** The reconciler's pair: what Retry now / Ignore and the task's timeline name. */
  linkId: string;
  /** The side the write goes to. */
  side: TaskHealthSide;
  /** The task's name as the reconciler last reported it (null from reports made before it was carried). */
  subject: string | null;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  kind: string;
  code: string;
  reason: string;
  attempts: number;
  firstFailedAt: string;
  /** null: its retries ran out (or it was ignored); it goes again when the task changes. */
  nextRetryAt: string | null;
}
