import type { TaskHealthLinks } from '@task-sync/contracts';

/** Where a rep opens a task in each app (the task-health API's contract). */
export type TaskLinks = TaskHealthLinks;

export function buildTaskLinks(
  ids: { sfdcTaskId: string | null; salesConnectTaskId: string | null },
  instanceUrl: string,
  salesConnectTemplate: string,
): TaskLinks {
  return {
    salesforceUrl: ids.sfdcTaskId
      ? `${instanceUrl.replace(/\/+$/, '')}/lightning/r/Task/${encodeURIComponent(ids.sfdcTaskId)}/view`
      : null,
    salesConnectUrl: ids.salesConnectTaskId
      ? salesConnectTemplate.replaceAll('{taskId}', encodeURIComponent(ids.salesConnectTaskId))
      : null,
  };
}
