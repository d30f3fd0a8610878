/**
 * The shapes of connector-settings' v1 API that the page reads, as its OpenAPI document and the
 * issue-23 contract give them. The connection and task-health shapes come from the contracts lib,
 * as types only (erased from the bundle: the page imports no server code).
 */
import type {
  ApiAllocationUsage,
  ConnectionEnvironment,
  ConnectionSetupView,
  ConnectionStatusView,
  ConnectionView,
  DeleteWindow,
  FailedTaskView,
  ImportPreviewView,
  ImportProgressView,
  Page,
  TaskHealthConflict,
  TaskHealthEvent,
  TaskHealthLinks,
  TaskHealthSide,
  TaskHealthTask,
  TaskHealthTimeline,
} from '@task-sync/contracts/http';

export type { ApiAllocationUsage, DeleteWindow, Page };
export type Side = TaskHealthSide;
export type Environment = ConnectionEnvironment;
export type Connection = ConnectionView;
export type ConnectionSetup = ConnectionSetupView;
export type ConnectionStatus = ConnectionStatusView;
export type ImportPreview = ImportPreviewView;
/** What the page shows of an import (its enable's time aside). */
export type ImportProgress = Omit<ImportProgressView, 'enableAt'>;
export type FailedTask = FailedTaskView & TaskHealthLinks;

/** How changes are read, as the page words it: a connection's (ReadMode in the contracts lib), or an admin list's rep. */
export interface ReadMode {
  mode: 'org-stream' | 'rep-poll' | string;
  reason: string;
  reader?: string | null;
  stream?: { state: string } | null;
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

export interface ProblemGroup {
  code: string;
  side: Side;
  title: string;
  advice: string;
  message: string;
  count: number;
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
