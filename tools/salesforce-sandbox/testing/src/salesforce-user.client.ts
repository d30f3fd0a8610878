import { HttpError, requestJson } from '@task-sync/util-sandbox-kit/testing';

/** Injected faults and expired sessions are retried by the test's own calls; only the sync is under test. */
const transient = (status: number, body: string) => status === 503 || status === 401 || /UNABLE_TO_LOCK_ROW/.test(body);

/** One Salesforce user's REST API (password grant), as a person in Salesforce would change tasks. */
export class SalesforceUser {
  private token = '';
  private instanceUrl: string;

  /** `loginUrl`: where the user signs in (the sandbox's root, or its `/hosts/<host>`); calls go to the instance the grant names. */
  constructor(
    private readonly loginUrl: string,
    readonly username: string,
    private readonly password = 'sandbox',
  ) {
    this.instanceUrl = loginUrl;
  }

  /** A user signed in already (a wrong password fails here, not at the first write). */
  static async login(loginUrl: string, username: string, password = 'sandbox'): Promise<SalesforceUser> {
    const user = new SalesforceUser(loginUrl, username, password);
    await user.signIn();
    return user;
  }

  private async signIn(): Promise<void> {
    const response = await fetch(`${this.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: this.username,
        password: this.password,
        client_id: 'sandbox-client',
        client_secret: 'sandbox-secret',
      }),
    });
    if (!response.ok)
      throw new Error(`password grant for ${this.username}: ${response.status} ${await response.text()}`);
    const grant = (await response.json()) as { access_token: string; instance_url: string };
    this.token = grant.access_token;
    this.instanceUrl = grant.instance_url;
  }

  /** The user's session, for a client under test that calls Salesforce itself (jsforce). */
  async session(): Promise<{ accessToken: string; instanceUrl: string }> {
    if (!this.token) await this.signIn();
    return { accessToken: this.token, instanceUrl: this.instanceUrl };
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token) await this.signIn();
    for (let attempt = 1; ; attempt++) {
      try {
        return await requestJson<T>(`${this.instanceUrl}/services/data/v62.0${path}`, {
          method,
          body,
          headers: { authorization: `Bearer ${this.token}` },
          retryIf: (status, text) => status !== 401 && transient(status, text),
        });
      } catch (e) {
        // The test's own session may be expired by the test (sessions/expire, a clock moved past the TTL, an org moved).
        if (e instanceof HttpError && e.status === 401 && attempt < 5) {
          await this.signIn();
          continue;
        }
        throw e;
      }
    }
  }

  /** Returns the new task's id. */
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
