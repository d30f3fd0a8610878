import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange, connect to last byte. */
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

/** The exchange took longer than its `timeoutMs`. */
export class TransportTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Requests over node:http(s) on kept-alive connections. A sync sends one call a task to Sales
 * Connect; the global fetch spends several times the CPU of a plain request on each (web streams,
 * abort signals), which an import of 100,000 tasks feels.
 */
export function httpTransport(options: { maxSockets?: number } = {}): SalesConnectTransport & { close(): void } {
  const maxSockets = options.maxSockets ?? 64;
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
  const send: SalesConnectTransport = (r) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const secure = r.url.protocol === 'https:';
      const body = r.body === undefined ? undefined : Buffer.from(r.body, 'utf8');
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(e);
      };
      const req = (secure ? https : http).request(
        r.url,
        { method: r.method, agent: secure ? agents.https : agents.http, signal: r.signal, headers: body === undefined ? r.headers : { ...r.headers, 'content-length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            const headers = res.headers;
            resolve({
              status: res.statusCode ?? 0,
              header: (name) => {
                const value = headers[name.toLowerCase()];
                return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
              },
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      // Callbacks above clear it; they run only after this line.
      const timer = setTimeout(() => req.destroy(new TransportTimeoutError(`no answer within ${r.timeoutMs} ms`)), r.timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  /** Closes the kept-alive connections. */
  const close = () => {
    agents.http.destroy();
    agents.https.destroy();
  };
  return Object.assign(send, { close });
}
