import { HttpError, SandboxAdmin, requestJson, sinceQuery } from './http';

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

/** The Salesforce sandbox's admin API. */
export class SalesforceAdmin extends SandboxAdmin {
  async defaultOrgId(): Promise<string> {
    return (await this.call<{ id: string }[]>('GET', '/salesforce/orgs'))[0].id;
  }

  async createOrg(name: string, dailyApiLimit?: number): Promise<string> {
    return (await this.call<{ id: string }>('POST', '/salesforce/orgs', { name, dailyApiLimit })).id;
  }

  async createUser(orgId: string, username: string, password = 'sandbox'): Promise<string> {
    return (await this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/users`, { username, password })).Id;
  }

  /** Every task of the org, the recycle bin included; with `since`, only those changed at or after it. */
  tasks(orgId: string, since?: Date | number): Promise<SfdcTaskRecord[]> {
    return this.call<SfdcTaskRecord[]>('GET', `/salesforce/orgs/${orgId}/tasks${sinceQuery(since)}`);
  }

  /** Seeds tasks as they are, without the API's validation or a change-log entry (up to 20,000 a call). */
  seedTasks(orgId: string, tasks: Record<string, unknown>[]): Promise<SfdcTaskRecord[]> {
    return this.call<SfdcTaskRecord[]>('POST', `/salesforce/orgs/${orgId}/tasks`, tasks);
  }

  /** The org's change log (every create, update and delete, with its origin); with `since`, from then on. */
  changes(orgId: string, since?: Date | number): Promise<SfdcChange[]> {
    return this.call<SfdcChange[]>('GET', `/salesforce/orgs/${orgId}/changes${sinceQuery(since)}`);
  }

  expireSessions(): Promise<{ expired: number }> {
    return this.call('POST', '/salesforce/sessions/expire');
  }
}

/** Injected faults and expired sessions are retried by the test's own calls; only the sync is under test. */
const transient = (status: number, body: string) => status === 503 || status === 401 || /UNABLE_TO_LOCK_ROW/.test(body);

/** One Salesforce user's REST API (password grant), as a person in Salesforce would change tasks. */
export class SalesforceUser {
  private token = '';

  constructor(
    private readonly sandboxUrl: string,
    readonly username: string,
    private readonly password = 'sandbox',
  ) {}

  private async login(): Promise<void> {
    const response = await fetch(`${this.sandboxUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: this.username, password: this.password, client_id: 'sandbox-client', client_secret: 'sandbox-secret' }),
    });
    if (!response.ok) throw new Error(`password grant for ${this.username}: ${response.status} ${await response.text()}`);
    this.token = ((await response.json()) as { access_token: string }).access_token;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token) await this.login();
    for (let attempt = 1; ; attempt++) {
      try {
        return await requestJson<T>(`${this.sandboxUrl}/services/data/v62.0${path}`, {
          method,
          body,
          headers: { authorization: `Bearer ${this.token}` },
          retryIf: (status, text) => status !== 401 && transient(status, text),
        });
      } catch (e) {
        // The test's own session may be expired by the test (sessions/expire).
        if (e instanceof HttpError && e.status === 401 && attempt < 5) {
          await this.login();
          continue;
        }
        throw e;
      }
    }
  }

  async createTask(fields: Record<string, unknown>): Promise<string> {
    return (await this.request<{ id: string }>('POST', '/sobjects/Task', fields)).id;
  }

  updateTask(id: string, fields: Record<string, unknown>): Promise<void> {
    return this.request('PATCH', `/sobjects/Task/${id}`, fields);
  }

  deleteTask(id: string): Promise<void> {
    return this.request('DELETE', `/sobjects/Task/${id}`);
  }
}
