/** A Sales Connect sandbox user: id and API token (admin `POST /__admin/salesconnect/users`). */
export interface SalesConnectUser {
  id: string;
  apiToken: string;
}

export interface SalesConnectTaskView {
  id: string;
  name: string;
  details: string;
  dueDate: string | null;
  status: 'Open' | 'Complete';
  priority: 'Normal' | 'High';
  type: string;
  createdAt: string;
  lastModifiedBy: string;
}

/** A Sales Connect user in `tenantId`: the tenant their JWT names, which the ingest matches their changes by. */
export async function createSalesConnectUser(sandboxUrl: string, tenantId: string, timeZone = 'America/Sao_Paulo'): Promise<SalesConnectUser> {
  const res = await fetch(`${sandboxUrl}/__admin/salesconnect/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `rep-${Math.random().toString(36).slice(2, 10)}@example.com`, timeZone, tenantId }),
  });
  if (res.status !== 201) throw new Error(`creating a Sales Connect user: ${res.status} ${await res.text()}`);
  return (await res.json()) as SalesConnectUser;
}

/** The Sales Connect API as one user, with their own token (what their browser would do). */
export class SalesConnectUserApi {
  constructor(
    private readonly sandboxUrl: string,
    private readonly user: SalesConnectUser,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.sandboxUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.user.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  createTask(body: Record<string, unknown>) {
    return this.call<SalesConnectTaskView>('POST', '/v1/tasks', body);
  }

  updateTask(id: string, body: Record<string, unknown>) {
    return this.call<SalesConnectTaskView>('PATCH', `/v1/tasks/${id}`, body);
  }

  completeTask(id: string) {
    return this.call<SalesConnectTaskView>('POST', `/v1/tasks/${id}/complete`);
  }

  reopenTask(id: string) {
    return this.call<SalesConnectTaskView>('POST', `/v1/tasks/${id}/reopen`);
  }

  deleteTask(id: string) {
    return this.call<null>('DELETE', `/v1/tasks/${id}`);
  }

  /** Every live task of the user, all pages. */
  async listTasks(): Promise<SalesConnectTaskView[]> {
    const all: SalesConnectTaskView[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: SalesConnectTaskView[]; nextCursor: string | null } = await this.call('GET', `/v1/tasks?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }
}
