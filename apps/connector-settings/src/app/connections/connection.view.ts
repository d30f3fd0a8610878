import type { ConnectionView, ReadMode, TaskSyncView } from '@task-sync/contracts/http';
import { loginHostOf } from '@task-sync/sfdc-oauth';
import { loginOf, type ConnectionEntity } from './connection.entity';

export function toTaskSyncView(c: ConnectionEntity): TaskSyncView {
  return { enabled: c.taskSyncEnabled, firstEnabledAt: c.firstEnabledAt?.toISOString() ?? null };
}

export function toConnectionView(c: ConnectionEntity, readMode: ReadMode): ConnectionView {
  return {
    id: c.id,
    timeZone: c.timeZone,
    salesforce: {
      orgId: c.sfdcOrgId,
      userId: c.sfdcUserId,
      username: c.sfdcUsername,
      instanceUrl: c.instanceUrl,
      environment: c.loginEnvironment,
      loginHost: loginHostOf(loginOf(c)),
    },
    taskSync: toTaskSyncView(c),
    readMode,
    createdAt: c.createdAt.toISOString(),
  };
}
