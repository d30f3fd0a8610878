import { Agent, errors } from 'undici';

export interface TransportRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The wait for the answer's headers, and then between two chunks of its body. */
  timeoutMs: number;
  /** Aborts the exchange (the request fails with the signal's reason). */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** A response header by its (case-insensitive) name; null when absent. */
  header(name: string): string | null;
  text: string;
}

/** How the client's requests go out. */
export type SalesConnectTransport = (request: TransportRequest) => Promise<TransportResponse>;

/** The answer did not come within the request's `timeoutMs`. */
export class TransportTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** undici's `request` spends far less CPU a call than the global fetch (no web streams): one call a task adds up. */
export function httpTransport(options: { maxSockets?: number } = {}): SalesConnectTransport & { close(): void } {
  const agent = new Agent({ connections: options.maxSockets ?? 64, keepAliveTimeout: 30_000 });
  const send: SalesConnectTransport = async (r) => {
    try {
      const res = await agent.request({
        origin: r.url.origin,
        path: `${r.url.pathname}${r.url.search}`,
        method: r.method as 'GET',
        headers: r.headers,
        body: r.body,
        headersTimeout: r.timeoutMs,
        bodyTimeout: r.timeoutMs,
        signal: r.signal,
      });
      const text = await res.body.text();
      const headers = res.headers;
      return {
        status: res.statusCode,
        header: (name) => {
          const value = headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
        text,
      };
    } catch (e) {
      if (e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError)
        throw new TransportTimeoutError(`no answer within ${r.timeoutMs} ms`);
      throw e;
    }
  };
  const close = () => void agent.destroy();
  return Object.assign(send, { close });
}
