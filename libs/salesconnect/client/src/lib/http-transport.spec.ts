import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpTransport } from './http-transport';
import { SalesConnectClient } from './salesconnect.client';

// The default transport (undici) against a real HTTP server on this machine.
describe('httpTransport', () => {
  let server: http.Server;
  let base: string;
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string; port: number }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body, port: req.socket.remotePort ?? 0 });
        if (req.url?.endsWith('/slow')) return void setTimeout(() => res.end('late'), 3_000);
        res.writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
        res.end(JSON.stringify({ echoed: Buffer.byteLength(body) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and a UTF-8 body with its length, and reads status, headers and text', async () => {
    const send = httpTransport();
    const body = JSON.stringify({ name: 'Ligar à Ana' });
    const res = await send({
      url: new URL(`${base}/v1/tasks`),
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body,
      timeoutMs: 2_000,
    });
    expect([res.status, res.header('Idempotent-Replayed'), res.header('x-absent'), JSON.parse(res.text)]).toEqual([
      201,
      'true',
      null,
      { echoed: Buffer.byteLength(body) },
    ]);
    const got = seen[seen.length - 1];
    expect([got.method, got.url, got.headers['authorization'], got.headers['content-length'], got.body]).toEqual([
      'POST',
      '/v1/tasks',
      'Bearer t',
      String(Buffer.byteLength(body)),
      body,
    ]);
  });

  it('keeps connections open between calls', async () => {
    const send = httpTransport();
    const before = seen.length;
    for (let i = 0; i < 10; i++)
      await send({ url: new URL(`${base}/x`), method: 'GET', headers: {}, timeoutMs: 2_000 });
    // undici may open a second connection while the first is being released; never one a call.
    expect(new Set(seen.slice(before).map((s) => s.port)).size).toBeLessThanOrEqual(2);
  });

  // undici checks its timeouts about once a second, so the answer here comes 3 s late.
  it('gives up after timeoutMs, and the client reports it as a retryable NETWORK_ERROR', async () => {
    const client = new SalesConnectClient({ baseUrl: base, token: 't', timeoutMs: 100, transport: httpTransport() });
    const error = await client
      .forUser('u')
      .getTask('slow')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    expect((error as Error).message).toMatch(/no answer within 100 ms/);
  });

  it('reports a refused connection with its cause', async () => {
    const client = new SalesConnectClient({ baseUrl: 'http://127.0.0.1:9', token: 't' });
    const error = await client.listWebhookSubscriptions().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });
});
