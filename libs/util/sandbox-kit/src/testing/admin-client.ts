// What a test calls both sandboxes with: one JSON request helper and the shared `/__admin` API.
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url}: ${status} ${body.slice(0, 500)}`);
  }
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Retries an answer this says is transient (the sandboxes' injected faults), a bounded number of times. */
  retryIf?: (status: number, body: string) => boolean;
}

/**
 * Its own kept-alive connections. undici's `request`, not the global fetch: about 0.07 ms of CPU a
 * call against 0.34 to 0.46 (a small JSON POST over 8 connections), and the benchmark makes every
 * change of its steady state through here, on the cores the services it measures run on.
 */
const agent = new Agent({ connections: 64, keepAliveTimeout: 4_000 });

/** One JSON call; throws HttpError on a non-2xx answer (after the allowed retries). */
export async function requestJson<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const target = new URL(url);
  for (let attempt = 1; ; attempt++) {
    const response = await agent.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: method as Dispatcher.HttpMethod,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) return (text ? JSON.parse(text) : undefined) as T;
    if (attempt < 20 && options.retryIf?.(response.statusCode, text)) {
      await sleep(Math.min(50 * attempt, 500));
      continue;
    }
    throw new HttpError(method, url, response.statusCode, text);
  }
}

/** The admin listings' `?since=` (empty when there is no bound). */
export const sinceQuery = (since?: Date | number) =>
  since === undefined ? '' : `?since=${encodeURIComponent(new Date(since).toISOString())}`;

/** A sandbox's shared admin API (`/__admin`): clock, faults, call counts. */
export class SandboxAdmin {
  constructor(readonly url: string) {}

  protected call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(`${this.url}/__admin${path}`, { method, body });
  }

  /** Sets the sandbox clock; frozen, it stays at that instant until moved or reset. */
  setClock(at: Date | number, frozen = true): Promise<unknown> {
    return this.call('POST', '/clock', { now: new Date(at).toISOString(), frozen });
  }

  resetClock(): Promise<unknown> {
    return this.call('DELETE', '/clock');
  }

  /** Runs `write` with the clock frozen at `at`, then puts it back to real time. */
  async at<T>(at: Date | number, write: () => Promise<T>): Promise<T> {
    await this.setClock(at);
    try {
      return await write();
    } finally {
      await this.resetClock();
    }
  }

  setFaults(settings: { latencyMs?: number; shares?: Record<string, number>; seed?: number }): Promise<unknown> {
    return this.call('POST', '/faults', settings);
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/faults');
  }

  /** Calls so far, by endpoint (`METHOD path`) and tenant (a Salesforce org id, a Sales Connect user id). */
  async calls(): Promise<{ tenant: string; endpoint: string; count: number }[]> {
    return (await this.call<{ calls: { tenant: string; endpoint: string; count: number }[] }>('GET', '/calls')).calls;
  }

  /** Writes (POST, PATCH, PUT, DELETE) one tenant made so far. */
  async writeCalls(tenant: string, endpoint = /./): Promise<number> {
    return (await this.calls())
      .filter((c) => c.tenant === tenant && /^(POST|PATCH|PUT|DELETE) /.test(c.endpoint) && endpoint.test(c.endpoint))
      .reduce((sum, c) => sum + c.count, 0);
  }
}
