import type { ConnectionEntity } from './connection.entity';

/** What the API shows of a connection: never a token or a secret. */
export interface ConnectionView {
  id: string;
  timeZone: string;
  salesforce: { orgId: string; userId: string; username: string; instanceUrl: string };
  taskSync: TaskSyncView;
  createdAt: string;
}

export interface TaskSyncView {
  enabled: boolean;
  firstEnabledAt: string | null;
}

export function toTaskSyncView(c: ConnectionEntity): TaskSyncView {
  return { enabled: c.taskSyncEnabled, firstEnabledAt: c.firstEnabledAt?.toISOString() ?? null };
}

export function toConnectionView(c: ConnectionEntity): ConnectionView {
  return {
    id: c.id,
    timeZone: c.timeZone,
    salesforce: { orgId: c.sfdcOrgId, userId: c.sfdcUserId, username: c.sfdcUsername, instanceUrl: c.instanceUrl },
    taskSync: toTaskSyncView(c),
    createdAt: c.createdAt.toISOString(),
  };
}
