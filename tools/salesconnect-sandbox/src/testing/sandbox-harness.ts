// Helpers for the integration specs: a sandbox on a free port and a small real-HTTP client.
import { ApiClient } from '@task-sync/salesconnect-sandbox/testing';
import {
  createSalesConnectSandbox,
  type SalesConnectSandbox,
  type SalesConnectSandboxOptions,
} from '../salesconnect-sandbox';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningSandbox {
  sandbox: SalesConnectSandbox;
  url: string;
  /** A client authenticated as the default user. */
  api: ApiClient;
  /** A client for `/__admin` (no authentication). */
  admin: ApiClient;
  close(): Promise<void>;
}

export async function startSandbox(options: SalesConnectSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = createSalesConnectSandbox({ webhookRetryBaseMs: 20, webhookTimeoutMs: 2000, ...options });
  const { url } = await sandbox.listen(0, '127.0.0.1');
  return {
    sandbox,
    url,
    api: new ApiClient(url, sandbox.defaultUser.apiToken),
    admin: new ApiClient(url),
    close: () => sandbox.close(),
  };
}

/** Creates a user through the admin API and returns a client authenticated as them. */
export async function createUser(
  running: RunningSandbox,
  timeZone: string,
  email = `rep-${Math.random().toString(36).slice(2, 8)}@example.com`,
  tenantId?: string,
): Promise<{ id: string; api: ApiClient }> {
  const created = await running.admin.post('/__admin/salesconnect/users', {
    email,
    timeZone,
    ...(tenantId ? { tenantId } : {}),
  });
  if (created.status !== 201) throw new Error(`user not created: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: created.body.id, api: new ApiClient(running.url, created.body.apiToken) };
}

export async function waitUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * One sandbox per spec file, started before all tests and closed after; before each test its
 * data, faults and clock are reset. The returned object is filled in once the sandbox runs.
 */
export function useSandbox(options: SalesConnectSandboxOptions = {}): RunningSandbox {
  const running = {} as RunningSandbox;
  beforeAll(async () => {
    Object.assign(running, await startSandbox(options));
  });
  afterAll(() => running.close());
  beforeEach(async () => {
    await running.admin.post('/__admin/reset');
    await running.admin.delete('/__admin/faults');
    await running.admin.delete('/__admin/clock');
  });
  return running;
}
