/**
 * The shapes of connector-settings' v1 API that the page reads, as its OpenAPI document and the
 * issue-23 contract give them. The task-health shapes come from the contracts lib, as types only
 * (erased from the bundle: the page imports no server code).
 */
import type {
  Page,
  TaskHealthConflict,
  TaskHealthEvent,
  TaskHealthLinks,
  TaskHealthSide,
  TaskHealthTask,
  TaskHealthTimeline,
} from '@task-sync/contracts/http';

export type { Page };
export type Side = TaskHealthSide;
export type Environment = 'production' | 'sandbox' | 'my-domain';

export interface ReadMode {
  mode: 'org-stream' | 'rep-poll' | string;
  reason: string;
  reader?: string | null;
  stream?: { state: string } | null;
}

export interface Connection {
  id: string;
  timeZone: string;
  salesforce: {
    orgId: string;
    userId: string;
    username: string;
    instanceUrl: string;
    environment: Environment;
    loginHost: string;
  };
  taskSync: { enabled: boolean; firstEnabledAt: string | null };
  readMode: ReadMode;
  createdAt: string;
}

export interface ApiAllocationUsage {
  used: number;
  allocated: number | null;
}

export interface DeleteWindow {
  disabledAt: string;
  closesAt: string;
  warning: boolean;
  closed: boolean;
}

export interface ConnectionSetup {
  state: string;
  paused: boolean;
  advice: string;
  detail: string | null;
  checkedAt: string;
}

export interface ImportProgress {
  found: number;
  imported: number;
  failed: number;
  done: boolean;
}

export interface ConnectionStatus {
  state: string;
  import: ImportProgress | null;
  lastSyncedAt: string | null;
  apiUsage: { used: number; limit: number } | null;
  apiAllocation: ApiAllocationUsage;
  recentErrors: { code: string; count: number; lastMessage: string; lastAt: string }[];
  readMode: ReadMode;
  setup: ConnectionSetup | null;
  /** Issue 23 D: null while enabled or never synced; absent from servers before it. */
  deleteWindow?: DeleteWindow | null;
}

export interface TaskSyncSaved {
  change: 'first-enable' | 're-enable' | 'disable' | null;
}

export interface OrgReaderView {
  orgId: string;
  sfdcUsername: string;
  connected: boolean;
  preflight: { passed: boolean; checkedAt: string; items: { label: string; message: string; state: string }[] } | null;
}

export interface ApiAllocationView extends ApiAllocationUsage {
  orgId: string;
  source: 'admin' | 'default' | string;
  defaultAllocated: number | null;
  orgUsage: { used: number; limit: number; readAt: string } | null;
}

export interface ImportPreview {
  windowStart: string;
  windowEnd: string;
  count: number;
  tasks: {
    sfdcTaskId: string;
    subject: string;
    status: string;
    activityDate: string | null;
    lastModifiedDate: string;
    salesforceUrl: string | null;
  }[];
  salesConnectTasksSent: false;
}

export interface ProblemGroup {
  code: string;
  side: Side;
  title: string;
  advice: string;
  message: string;
  count: number;
}

export interface FailedTask {
  linkId: string;
  side: Side;
  subject: string | null;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  salesforceUrl: string | null;
  salesConnectUrl: string | null;
  kind: string;
  code: string;
  reason: string;
  attempts: number;
  firstFailedAt: string;
  nextRetryAt: string | null;
}

export type Conflict = TaskHealthConflict & TaskHealthLinks;

export interface ApiUsage24h {
  orgId: string;
  used: number;
  allocated: number | null;
  buckets: { start: string; calls: number }[];
}

/** A task as the page names it: a searched or timeline task (with lastEventAt), or a conflict's pair. */
export type TaskRef = Omit<TaskHealthTask, 'lastEventAt'> & TaskHealthLinks & { lastEventAt?: string | null };

export type TimelineEvent = TaskHealthEvent;

export type Timeline = TaskHealthTimeline<TaskHealthTask & TaskHealthLinks>;

export interface ResyncResult {
  outcome: string;
  differences: unknown[];
}

export interface AdminRep {
  connectionId: string;
  userId: string;
  sfdcUsername: string;
  state: string;
  readMode: ReadMode | string;
  taskSyncEnabled: boolean;
  openProblems: number;
  lastSyncAt: string | null;
  deleteWindow: DeleteWindow | null;
}

export interface AdminOrg {
  orgId: string;
  reader: OrgReaderView | null;
  apiUsage: { used: number; allocated: number | null; buckets: { start: string; calls: number }[] };
  reps: Page<AdminRep>;
}
