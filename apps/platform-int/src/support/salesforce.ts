import { browserCookie } from '@task-sync/testing-stack';
import type { ServiceProcess } from './service-process';

/** The Salesforce sandbox's admin API: clock, orgs, users, sessions, API usage, call counts. */
export class SalesforceSandboxAdmin {
  constructor(private readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/__admin${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} /__admin${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  setClock(at: Date, frozen = true) {
    return this.call('POST', '/clock', { now: at.toISOString(), frozen });
  }

  resetClock() {
    return this.call('DELETE', '/clock');
  }

  /**
   * `salesConnectTaskIdField: false`: an org as a customer's is before the product's package is deployed.
   * `isSandbox`: its users sign in at test.salesforce.com; `myDomainHost`, `preventLoginHostLogin`: its My Domain and "Prevent login from login.salesforce.com".
   */
  createOrg(name: string, dailyApiLimit?: number, options: { salesConnectTaskIdField?: boolean; isSandbox?: boolean; myDomainHost?: string; preventLoginHostLogin?: boolean } = {}) {
    return this.call<{ id: string }>('POST', '/salesforce/orgs', { name, ...(dailyApiLimit ? { dailyApiLimit } : {}), ...options });
  }

  /** The org moves (a My Domain rename, an instance migration): refreshes name the new instance, the old host refuses its sessions. */
  moveOrg(orgId: string, myDomainHost: string) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/my-domain`, { myDomainHost });
  }

  /** Requests each Salesforce host served so far (`(root)`: the sandbox's root). */
  async hostCalls(host: string): Promise<number> {
    const { hosts } = await this.call<{ hosts: { host: string; count: number }[] }>('GET', '/salesforce/host-calls');
    return hosts.find((h) => h.host === host)?.count ?? 0;
  }

  defaultOrg() {
    return this.call<{ id: string; name: string }[]>('GET', '/salesforce/orgs').then((orgs) => orgs[0]);
  }

  /** `modifyAllData`: an administrator, who may deploy metadata. */
  createUser(orgId: string, username: string, password = 'sandbox', permissions: { modifyAllData?: boolean; viewAllData?: boolean } = {}) {
    return this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/users`, { username, password, ...permissions });
  }

  /** Setup → Permission Sets → Manage Assignments: the set (by API name) for the user. */
  assignPermissionSet(orgId: string, permissionSet: string, userId: string) {
    return this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/permission-set-assignments`, { permissionSet, userId });
  }

  createContact(orgId: string, email: string) {
    return this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/contacts`, { lastName: email.split('@')[0], email });
  }

  /** Every task of the org, deleted ones included (`deletedAt`), with the client that last wrote it. */
  tasks(orgId: string) {
    return this.call<(Record<string, unknown> & { Id: string; deletedAt: string | null; lastModifiedByClient: string | null })[]>('GET', `/salesforce/orgs/${orgId}/tasks`);
  }

  setApiUsage(orgId: string, usage: { used?: number; dailyApiLimit?: number }) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/api-usage`, usage);
  }

  /** Salesforce answers query pages of at most this many rows, whatever was asked (null: as asked). */
  setQueryPageSize(orgId: string, queryPageSize: number | null) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/query-page-size`, { queryPageSize });
  }

  expireSessions() {
    return this.call<{ expired: number }>('POST', '/salesforce/sessions/expire');
  }

  /** The org's users (id and username). */
  users(orgId: string) {
    return this.call<{ users: { id: string; username: string }[] }>('GET', `/salesforce/orgs/${orgId}`).then((org) => org.users);
  }

  /** A user's View All Data permission (Change Data Capture for Task needs it). */
  setViewAllData(orgId: string, userId: string, viewAllData: boolean) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/permissions`, { viewAllData });
  }

  /** Setup → Change Data Capture: whether Task is selected. */
  setTaskChangeDataCapture(orgId: string, taskSelected: boolean) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { taskSelected });
  }

  /** A user's field-level security on Task: the fields they cannot see. */
  hideTaskFields(orgId: string, userId: string, hidden: string[]) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/field-security`, { Task: { hidden, readOnly: [] } });
  }

  /** Setup → Validation Rules on Task: `condition` is the error condition (e.g. `equals` with `value`). */
  addValidationRule(orgId: string, rule: { name: string; field: string; condition: string; value?: unknown; message: string }) {
    return this.call('POST', `/salesforce/orgs/${orgId}/validation-rules`, rule);
  }

  deleteValidationRule(orgId: string, name: string) {
    return this.call('DELETE', `/salesforce/orgs/${orgId}/validation-rules/${name}`);
  }

  /** Seeds a task as the org's data (no API validation): e.g. a recurring series' occurrence naming its master. */
  seedTask(orgId: string, fields: Record<string, unknown>) {
    return this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/tasks`, fields);
  }

  /** Salesforce's archive job, for these tasks: `query` stops answering them, `queryAll` still does. */
  archiveTasks(orgId: string, ids: string[]) {
    return this.call<{ archived: string[] }>('POST', `/salesforce/orgs/${orgId}/tasks/archive`, { ids });
  }

  /** Setup → Task Fields → Status: the whole list (`value` the API name, one `default`, which are `closed`). */
  setTaskStatuses(orgId: string, statuses: { value: string; closed: boolean; default?: boolean; sortOrder?: number }[]) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/task-statuses`, statuses);
  }

  /** A Task record type and the Status values it allows (the first is the org's default). */
  addRecordType(orgId: string, recordType: { developerName: string; name: string; statuses: string[]; defaultStatus: string }) {
    return this.call<{ Id: string }>('POST', `/salesforce/orgs/${orgId}/record-types`, recordType);
  }

  /** A user's default Task record type (what their creates without `RecordTypeId` get). */
  setUserRecordType(orgId: string, userId: string, developerName: string) {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/record-type`, { developerName });
  }

  /** Setup → Object Manager → Task → Fields: a custom field (`required`: every create must set it). */
  addTaskField(orgId: string, field: { name: string; type: string; required?: boolean; length?: number; externalId?: boolean; unique?: boolean }) {
    return this.call('POST', `/salesforce/orgs/${orgId}/sobjects/Task/fields`, field);
  }

  deleteTaskField(orgId: string, name: string) {
    return this.call('DELETE', `/salesforce/orgs/${orgId}/sobjects/Task/fields/${name}`);
  }

  /** Calls so far to one endpoint (e.g. `POST /services/oauth2/token refresh_token`), every org. */
  async callCount(endpoint: string): Promise<number> {
    const { calls } = await this.call<{ calls: { endpoint: string; count: number }[] }>('GET', '/calls');
    return calls.filter((c) => c.endpoint === endpoint).reduce((sum, c) => sum + c.count, 0);
  }

  /** The org's API calls so far (OAuth calls left out: Salesforce does not count them), by endpoint. */
  async apiCallsOf(orgId: string): Promise<number> {
    const { calls } = await this.call<{ calls: { endpoint: string; tenant: string; count: number }[] }>('GET', '/calls');
    return calls.filter((c) => c.tenant === orgId && !c.endpoint.includes('/services/oauth2/')).reduce((sum, c) => sum + c.count, 0);
  }

  /** Calls so far by endpoint, every org. */
  async endpointCounts(): Promise<{ endpoint: string; tenant: string; count: number }[]> {
    const { calls } = await this.call<{ calls: { endpoint: string; tenant: string; count: number }[] }>('GET', '/calls');
    return calls;
  }

  async endpoints(): Promise<string[]> {
    const { calls } = await this.call<{ calls: { endpoint: string }[] }>('GET', '/calls');
    return [...new Set(calls.map((c) => c.endpoint))];
  }
}

/** One Salesforce user's REST access (password grant), for writing tasks as that user. */
export class SalesforceUserApi {
  private constructor(
    private instanceUrl: string,
    private token: string,
    private readonly login: () => Promise<{ access_token: string; instance_url: string }>,
  ) {}

  /** `loginUrl`: where the user signs in (the sandbox's root, or its `/hosts/<host>`); calls go to the instance the answer names. */
  static async login(loginUrl: string, username: string, password = 'sandbox'): Promise<SalesforceUserApi> {
    const grant = async () => {
      const response = await fetch(`${loginUrl}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username, password, client_id: 'sandbox-client', client_secret: 'sandbox-secret' }),
      });
      if (!response.ok) throw new Error(`password grant for ${username}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { access_token: string; instance_url: string };
    };
    const first = await grant();
    return new SalesforceUserApi(first.instance_url, first.access_token, grant);
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.instanceUrl}/services/data/v62.0${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // The test's own session may be expired by the test (sessions/expire, a clock moved past the TTL).
      if (response.status === 401 && attempt === 0) {
        const fresh = await this.login();
        this.token = fresh.access_token;
        this.instanceUrl = fresh.instance_url;
        continue;
      }
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response;
    }
  }

  async createTask(fields: Record<string, unknown>): Promise<string> {
    const answer = (await (await this.request('POST', '/sobjects/Task', fields)).json()) as { id: string };
    return answer.id;
  }

  async updateTask(id: string, fields: Record<string, unknown>): Promise<void> {
    await this.request('PATCH', `/sobjects/Task/${id}`, fields);
  }

  async deleteTask(id: string): Promise<void> {
    await this.request('DELETE', `/sobjects/Task/${id}`);
  }
}

/**
 * What a user's browser does to connect Salesforce: the connect call, the sandbox's login page and
 * its form, the redirects back to connector-settings. Returns the new connection's id.
 */
export async function connectSalesforceAsUser(options: Omit<BrowserConnect, 'action'>): Promise<string> {
  const landed = await authorizeInBrowser({ ...options, action: 'allow' });
  const connectionId = landed.searchParams.get('connected');
  if (!connectionId) throw new Error(`the OAuth round trip ended at ${landed.toString()}`);
  return connectionId;
}

/** How a browser goes through "Connect": who it is, where it signs in at Salesforce, and as whom. */
export interface BrowserConnect {
  connectorSettings: ServiceProcess;
  sandboxUrl: string;
  userToken: string;
  username: string;
  password?: string;
  action: 'allow' | 'deny';
  /** Where "Connect" starts: the user's connection, or `/v1/salesforce/org-reader/connect` for the org's reader. */
  connectPath?: string;
  /** The user confirmed starting over should they sign in as another Salesforce account than their connection's. */
  startOver?: boolean;
  /** Where the user picked to sign in (production when absent), and the My Domain they typed. */
  environment?: 'production' | 'sandbox' | 'my-domain';
  myDomain?: string;
  /** Where the browser is expected to sign in: the sandbox's host for that environment (its root by default). */
  loginUrl?: string;
}

/** The OAuth round trip as a browser makes it; returns where the browser lands in the end (the settings page). */
export async function authorizeInBrowser(options: BrowserConnect): Promise<URL> {
  const toSettings = await deliverCallbackInBrowser(options);
  if (toSettings.status !== 302) throw new Error(`the OAuth callback answered ${toSettings.status}: ${await toSettings.text()}`);
  return new URL(toSettings.headers.get('location') ?? '');
}

/** The round trip up to connector-settings' answer to Salesforce's redirect, whatever it is (a redirect, or a page that says why not). */
export async function deliverCallbackInBrowser(options: BrowserConnect): Promise<Response> {
  const connectPath = options.connectPath ?? '/v1/salesforce/connect';
  const loginUrl = options.loginUrl ?? options.sandboxUrl;
  const body = {
    ...(options.startOver ? { startOver: true } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.myDomain !== undefined ? { myDomain: options.myDomain } : {}),
  };
  const hasBody = Object.keys(body).length > 0;
  const started = await fetch(`${options.connectorSettings.url}${connectPath}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.userToken}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    body: hasBody ? JSON.stringify(body) : undefined,
  });
  if (started.status !== 200) throw new Error(`POST ${connectPath}: ${started.status} ${await started.text()}`);
  // The browser keeps the connect cookie and sends it back with Salesforce's redirect.
  const cookie = browserCookie(started);
  const page = new URL(((await started.json()) as { authorizeUrl: string }).authorizeUrl);
  if (page.origin + page.pathname !== `${loginUrl}/services/oauth2/authorize`) throw new Error(`unexpected authorize URL ${page.toString()}`);
  const loginPage = await fetch(page);
  if (loginPage.status !== 200) throw new Error(`the login page answered ${loginPage.status}`);
  const form = new URLSearchParams({ ...Object.fromEntries(page.searchParams), username: options.username, password: options.password ?? 'sandbox', action: options.action });
  const toCallback = await fetch(`${loginUrl}/services/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  if (toCallback.status !== 302) throw new Error(`the login form answered ${toCallback.status}: ${await toCallback.text()}`);
  const callback = new URL(toCallback.headers.get('location') ?? '');
  if (callback.pathname !== '/v1/salesforce/oauth/callback') throw new Error(`Salesforce redirected to ${callback.toString()}`);
  return fetch(callback, { redirect: 'manual', headers: { cookie } });
}
