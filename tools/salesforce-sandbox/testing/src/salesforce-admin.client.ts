import { SandboxAdmin, sinceQuery } from '@task-sync/util-sandbox-kit/testing';

/** A Task as the sandbox's admin listing shows it (every field, plus deletedAt and the writer's client). */
export interface SfdcTaskRecord {
  Id: string;
  Subject: string | null;
  Description: string | null;
  ActivityDate: string | null;
  Status: string;
  IsClosed: boolean;
  Priority: string;
  TaskSubtype: string;
  OwnerId: string;
  SalesConnect_Task_Id__c: string | null;
  SystemModstamp: string;
  deletedAt: string | null;
  lastModifiedByClient: string | null;
}

/** One entry of the sandbox's change log: who changed which task, when, through which client (`Sforce-Call-Options`). */
export interface SfdcChange {
  taskId: string;
  changeType: 'CREATE' | 'UPDATE' | 'DELETE';
  changedFields: string[];
  commitTimestamp: string;
  changeOrigin: string | null;
  userId: string;
}

/** How an org differs from the default one. */
export interface SfdcOrgOptions {
  /** false: an org as a customer's is before the product's package is deployed. */
  salesConnectTaskIdField?: boolean;
  /** Its users sign in at test.salesforce.com. */
  isSandbox?: boolean;
  /** Its My Domain, and "Prevent login from login.salesforce.com". */
  myDomainHost?: string;
  preventLoginHostLogin?: boolean;
}

/** The Salesforce sandbox's admin API: orgs, users, tasks, org setup, sessions, API usage, and the shared clock, faults and call counts. */
export class SalesforceAdmin extends SandboxAdmin {
  defaultOrg(): Promise<{ id: string; name: string }> {
    return this.call<{ id: string; name: string }[]>('GET', '/salesforce/orgs').then((orgs) => orgs[0]);
  }

  async defaultOrgId(): Promise<string> {
    return (await this.defaultOrg()).id;
  }

  /** Returns the new org's id. */
  async createOrg(name: string, dailyApiLimit?: number, options: SfdcOrgOptions = {}): Promise<string> {
    return (
      await this.call<{ id: string }>('POST', '/salesforce/orgs', {
        name,
        ...(dailyApiLimit ? { dailyApiLimit } : {}),
        ...options,
      })
    ).id;
  }

  /** The org moves (a My Domain rename, an instance migration): refreshes name the new instance, the old host refuses its sessions. */
  moveOrg(orgId: string, myDomainHost: string): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/my-domain`, { myDomainHost });
  }

  /** Returns the new user's id; `modifyAllData`: an administrator, who may deploy metadata. */
  async createUser(
    orgId: string,
    username: string,
    password = 'sandbox',
    permissions: { modifyAllData?: boolean; viewAllData?: boolean } = {},
  ): Promise<string> {
    return (
      await this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/users`, { username, password, ...permissions })
    ).Id;
  }

  /** The org's users (id and username). */
  async users(orgId: string): Promise<{ id: string; username: string }[]> {
    return (await this.call<{ users: { id: string; username: string }[] }>('GET', `/salesforce/orgs/${orgId}`)).users;
  }

  /** A user's View All Data permission (Change Data Capture for Task needs it). */
  setViewAllData(orgId: string, userId: string, viewAllData: boolean): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/permissions`, { viewAllData });
  }

  /** Setup → Permission Sets → Manage Assignments: the set (by API name) for the user. */
  assignPermissionSet(orgId: string, permissionSet: string, userId: string): Promise<{ Id: string }> {
    return this.call('POST', `/salesforce/orgs/${orgId}/permission-set-assignments`, { permissionSet, userId });
  }

  /** A user's field-level security on Task: the fields they cannot see. */
  hideTaskFields(orgId: string, userId: string, hidden: string[]): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/field-security`, {
      Task: { hidden, readOnly: [] },
    });
  }

  /** A user's default Task record type (what their creates without `RecordTypeId` get). */
  setUserRecordType(orgId: string, userId: string, developerName: string): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/record-type`, { developerName });
  }

  createContact(orgId: string, email: string): Promise<{ Id: string }> {
    return this.call('POST', `/salesforce/orgs/${orgId}/contacts`, { lastName: email.split('@')[0], email });
  }

  /** Every task of the org, the recycle bin included (`deletedAt`); with `since`, only those changed at or after it. */
  tasks(orgId: string, since?: Date | number): Promise<(SfdcTaskRecord & Record<string, unknown>)[]> {
    return this.call('GET', `/salesforce/orgs/${orgId}/tasks${sinceQuery(since)}`);
  }

  /** Seeds one task as the org's data (no API validation): e.g. a recurring series' occurrence naming its master. */
  seedTask(orgId: string, fields: Record<string, unknown>): Promise<{ Id: string }> {
    return this.call('POST', `/salesforce/orgs/${orgId}/tasks`, fields);
  }

  /** Seeds tasks as they are, without the API's validation or a change-log entry (up to 20,000 a call). */
  seedTasks(orgId: string, tasks: Record<string, unknown>[]): Promise<SfdcTaskRecord[]> {
    return this.call('POST', `/salesforce/orgs/${orgId}/tasks`, tasks);
  }

  /** Salesforce's archive job, for these tasks: `query` stops answering them, `queryAll` still does. */
  archiveTasks(orgId: string, ids: string[]): Promise<{ archived: string[] }> {
    return this.call('POST', `/salesforce/orgs/${orgId}/tasks/archive`, { ids });
  }

  /** The org's change log (every create, update and delete, with its origin); with `since`, from then on. */
  changes(orgId: string, since?: Date | number): Promise<SfdcChange[]> {
    return this.call('GET', `/salesforce/orgs/${orgId}/changes${sinceQuery(since)}`);
  }

  /** Setup → Change Data Capture: whether Task is selected. */
  setTaskChangeDataCapture(orgId: string, taskSelected: boolean): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { taskSelected });
  }

  /** Setup → Validation Rules on Task: `condition` is the error condition (e.g. `equals` with `value`). */
  addValidationRule(
    orgId: string,
    rule: { name: string; field: string; condition: string; value?: unknown; message: string },
  ): Promise<unknown> {
    return this.call('POST', `/salesforce/orgs/${orgId}/validation-rules`, rule);
  }

  deleteValidationRule(orgId: string, name: string): Promise<unknown> {
    return this.call('DELETE', `/salesforce/orgs/${orgId}/validation-rules/${name}`);
  }

  /** Setup → Task Fields → Status: the whole list (`value` the API name, one `default`, which are `closed`). */
  setTaskStatuses(
    orgId: string,
    statuses: { value: string; closed: boolean; default?: boolean; sortOrder?: number }[],
  ): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/task-statuses`, statuses);
  }

  /** A Task record type and the Status values it allows (the first is the org's default). */
  addRecordType(
    orgId: string,
    recordType: { developerName: string; name: string; statuses: string[]; defaultStatus: string },
  ): Promise<{ Id: string }> {
    return this.call('POST', `/salesforce/orgs/${orgId}/record-types`, recordType);
  }

  /** Setup → Object Manager → Task → Fields: a custom field (`required`: every create must set it). */
  addTaskField(
    orgId: string,
    field: { name: string; type: string; required?: boolean; length?: number; externalId?: boolean; unique?: boolean },
  ): Promise<unknown> {
    return this.call('POST', `/salesforce/orgs/${orgId}/sobjects/Task/fields`, field);
  }

  deleteTaskField(orgId: string, name: string): Promise<unknown> {
    return this.call('DELETE', `/salesforce/orgs/${orgId}/sobjects/Task/fields/${name}`);
  }

  setApiUsage(orgId: string, usage: { used?: number; dailyApiLimit?: number }): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/api-usage`, usage);
  }

  /** Salesforce answers query pages of at most this many rows, whatever was asked (null: as asked). */
  setQueryPageSize(orgId: string, queryPageSize: number | null): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/query-page-size`, { queryPageSize });
  }

  expireSessions(): Promise<{ expired: number }> {
    return this.call('POST', '/salesforce/sessions/expire');
  }

  /** Requests each Salesforce host served so far (`(root)`: the sandbox's root). */
  async hostCalls(host: string): Promise<number> {
    const { hosts } = await this.call<{ hosts: { host: string; count: number }[] }>('GET', '/salesforce/host-calls');
    return hosts.find((h) => h.host === host)?.count ?? 0;
  }

  /** Calls so far to one endpoint (e.g. `POST /services/oauth2/token refresh_token`), every org. */
  async callCount(endpoint: string): Promise<number> {
    return (await this.calls()).filter((c) => c.endpoint === endpoint).reduce((sum, c) => sum + c.count, 0);
  }

  /** The org's API calls so far (OAuth calls left out: Salesforce does not count them). */
  async apiCallsOf(orgId: string): Promise<number> {
    return (await this.calls())
      .filter((c) => c.tenant === orgId && !c.endpoint.includes('/services/oauth2/'))
      .reduce((sum, c) => sum + c.count, 0);
  }

  /** The endpoints called so far, every org. */
  async endpoints(): Promise<string[]> {
    return [...new Set((await this.calls()).map((c) => c.endpoint))];
  }
}
