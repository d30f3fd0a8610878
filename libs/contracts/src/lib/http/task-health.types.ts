// The task-health HTTP API's shapes, written once: the reconciler answers them on its internal
// routes, connector-settings relays them (adding each task's links) on /v1, and the settings page
// reads them. Types only, so the page's bundle takes nothing from here.

/** A side of the sync, as the API names it. */
export type TaskHealthSide = 'sfdc' | 'salesconnect';

/** A page of a list: its items, how many in all, and where the next page starts (null: none). */
export interface Page<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

/** A task as the task search and the timeline name it. */
export interface TaskHealthTask {
  linkId: string;
  subject: string | null;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  lastEventAt: string | null;
}

/** One event of a task's timeline. */
export interface TaskHealthEvent {
  at: string;
  kind: string;
  side: TaskHealthSide | null;
  origin: string | null;
  summary: string;
  reason: string | null;
  outcome: string | null;
  code: string | null;
  detail: Record<string, unknown> | null;
}

/** A conflict of the connection, with its pair and the side that won. */
export interface TaskHealthConflict {
  linkId: string | null;
  subject: string | null;
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  field: string;
  salesConnectValue: unknown;
  sfdcValue: unknown;
  salesConnectChangedAt: string | null;
  sfdcChangedAt: string | null;
  winner: TaskHealthSide;
  decidedAt: string;
}

/** What connector-settings adds to a task on /v1: its record page on each side (null without the id). */
export interface TaskHealthLinks {
  salesforceUrl: string | null;
  salesConnectUrl: string | null;
}

/** A task's timeline as the reconciler answers it: a page of events, and the task. */
export type TaskHealthTimeline<Task extends TaskHealthTask = TaskHealthTask> = Page<TaskHealthEvent> & { task: Task };
