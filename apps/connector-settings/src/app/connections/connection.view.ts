import type { ReadMode } from '../org-reader/read-mode';
import { loginHostOf, type SalesforceEnvironment } from '@task-sync/sfdc-oauth';
import { loginOf, type ConnectionEntity } from './connection.entity';

/** What the API shows of a connection: never a token or a secret. */
export interface ConnectionView {
  id: string;
  timeZone: string;
  salesforce: {
    orgId: string;
    userId: string;
    username: string;
    instanceUrl: string;
    environment: SalesforceEnvironment;
    loginHost: string;
  };
  taskSync: TaskSyncView;
  /** How its Salesforce changes are read: the org's stream (through the org's reader) or polling with the rep's session. */
  readMode: ReadMode;
  createdAt: string;
}

export interface TaskSyncView {
  enabled: boolean;
  firstEnabledAt: string | null;
}

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
