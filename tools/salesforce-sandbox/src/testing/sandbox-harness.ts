import { Connection } from 'jsforce';
import {
  createSalesforceSandbox,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from '../app/salesforce-sandbox';

/** jsforce 3's default API version is 50.0; the sync uses a current one. */
export const API_VERSION = '59.0';

export interface Harness {
  sandbox: SalesforceSandbox;
  url: string;
  /** A jsforce connection logged in with the OAuth password grant, through `oauth2` options. */
  login(username?: string, password?: string, callOptions?: Record<string, string>): Promise<Connection>;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts the sandbox in this process on a free port; specs drive it with jsforce over real HTTP. */
export async function startHarness(options: SalesforceSandboxOptions = {}): Promise<Harness> {
  const sandbox = createSalesforceSandbox(options);
  const { url } = await sandbox.listen(0);
  return {
    sandbox,
    url,
    async login(username = sandbox.defaults.username, password = sandbox.defaults.password, callOptions) {
      const conn = new Connection({
        loginUrl: url,
        version: API_VERSION,
        oauth2: {
          loginUrl: url,
          clientId: sandbox.defaults.clientId,
          clientSecret: sandbox.defaults.clientSecret,
          redirectUri: `${url}/callback`,
        },
        callOptions,
      });
      await conn.login(username, password);
      return conn;
    },
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${url}/__admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    close: () => sandbox.close(),
  };
}

/** The error a jsforce promise rejected with (fails the test when it resolved). */
export async function errorOf(promise: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { errorCode?: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
