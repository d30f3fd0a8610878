import { randomUUID } from 'node:crypto';
import { SandboxAdmin, requestJson, sinceQuery } from '@task-sync/util-sandbox-kit/testing';

/** A Sales Connect task as its API shows it (tombstones in the admin listing carry deletedAt). */
export interface ScTask {
  id: string;
  name: string;
  details: string;
  dueDate: string | null;
  status: 'Open' | 'Complete';
  priority: 'Normal' | 'High';
  type: 'call' | 'email' | 'other';
  contactEmail: string | null;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  lastModifiedBy: string;
  deletedAt?: string;
}

/** One entry of the Sales Connect change feed. */
export interface ScChange {
  sequence: number;
  type: 'created' | 'updated' | 'completed' | 'reopened' | 'deleted';
  taskId: string;
  userId: string;
  occurredAt: string;
  origin: string;
  changedFields?: string[];
  task: ScTask;
}

export interface CommandCenter {
  userId: string;
  timeZone: string;
  now: string;
  today: { date: string; tasks: ScTask[] };
  tomorrow: { date: string; tasks: ScTask[] };
}

/** The Sales Connect sandbox's admin API. */
export class SalesConnectAdmin extends SandboxAdmin {
  /** A user in `tenantId`: the tenant their JWT names (the e2e users' is `e2e-tenant`). */
  createUser(
    email: string,
    timeZone: string,
    tenantId: string,
  ): Promise<{ id: string; apiToken: string; timeZone: string }> {
    return this.call('POST', '/salesconnect/users', { email, timeZone, tenantId });
  }

  /** The change feed of every user (each change with the task after it and its origin app); with `since`, from then on. */
  async changes(since?: Date | number): Promise<ScChange[]> {
    return (await this.call<{ changes: ScChange[] }>('GET', `/salesconnect/changes${sinceQuery(since)}`)).changes;
  }

  /** Every task of one user, tombstones included. */
  async tasks(userId: string): Promise<ScTask[]> {
    return (await this.call<{ items: ScTask[] }>('GET', `/salesconnect/tasks?userId=${encodeURIComponent(userId)}`))
      .items;
  }
}

/** One Sales Connect user's API, with their own token, as the Sales Connect UI would call it. */
export class SalesConnectUser {
  constructor(
    private readonly sandboxUrl: string,
    readonly id: string,
    private readonly token: string,
  ) {}

  private call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return requestJson<T>(`${this.sandboxUrl}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${this.token}`, ...headers },
      // Injected 503s: the person's own client tries again.
      retryIf: (status) => status === 503,
    });
  }

  /** Create; the idempotency key makes the test's own retries after an injected 503 safe. */
  create(
    fields: Partial<Pick<ScTask, 'name' | 'details' | 'dueDate' | 'status' | 'priority' | 'type' | 'contactEmail'>>,
  ): Promise<ScTask> {
    return this.call('POST', '/v1/tasks', fields, { 'idempotency-key': randomUUID() });
  }

  patch(
    id: string,
    fields: Partial<Pick<ScTask, 'name' | 'details' | 'dueDate' | 'priority' | 'type' | 'contactEmail'>>,
  ): Promise<ScTask> {
    return this.call('PATCH', `/v1/tasks/${id}`, fields);
  }

  complete(id: string): Promise<ScTask> {
    return this.call('POST', `/v1/tasks/${id}/complete`);
  }

  reopen(id: string): Promise<ScTask> {
    return this.call('POST', `/v1/tasks/${id}/reopen`);
  }

  delete(id: string): Promise<void> {
    return this.call('DELETE', `/v1/tasks/${id}`);
  }

  commandCenter(): Promise<CommandCenter> {
    return this.call('GET', '/v1/command-center');
  }

  /** Every live task of the user, all pages. */
  async listTasks(): Promise<ScTask[]> {
    const all: ScTask[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: ScTask[]; nextCursor: string | null } = await this.call(
        'GET',
        `/v1/tasks?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }
}

/** A new user with a made-up address in `tenantId` (the tenant their JWT names, which the ingest matches their changes by), signed in. */
export async function createSalesConnectUser(
  sandboxUrl: string,
  tenantId: string,
  timeZone = 'America/Sao_Paulo',
): Promise<SalesConnectUser> {
  const created = await new SalesConnectAdmin(sandboxUrl).createUser(
    `rep-${Math.random().toString(36).slice(2, 10)}@example.com`,
    timeZone,
    tenantId,
  );
  return new SalesConnectUser(sandboxUrl, created.id, created.apiToken);
}
