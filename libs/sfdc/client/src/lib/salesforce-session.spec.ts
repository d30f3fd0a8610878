import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorSettingsSessionClient, SalesforceSessionError } from './salesforce-session';

/** A stand-in for connector-settings' internal route, over real HTTP: it answers what each connection id asks for. */
describe('ConnectorSettingsSessionClient', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { url?: string; authorization?: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url, authorization: req.headers.authorization, body });
        const id = decodeURIComponent((req.url ?? '').split('/')[4] ?? '');
        const answers: Record<string, [number, object]> = {
          ok: [200, { connectionId: 'ok', orgId: '00D', userId: '005', instanceUrl: 'http://sf', accessToken: 'at' }],
          gone: [404, { error: 'CONNECTION_NOT_FOUND', message: 'no connection' }],
          revoked: [409, { error: 'SALESFORCE_REAUTHORIZATION_REQUIRED', message: 'connect again' }],
          down: [502, { error: 'SALESFORCE_UNAVAILABLE', message: 'try again' }],
          refused: [401, { error: 'UNAUTHORIZED', message: 'no' }],
        };
        const [status, answer] = answers[id] ?? [400, { error: 'BAD_REQUEST', message: 'uuid is expected' }];
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('asks with its service token and names a rejected access token', async () => {
    const client = new ConnectorSettingsSessionClient(baseUrl, 'service-token-0123456789abcdef');
    expect(await client.obtain('ok', 'old-token')).toMatchObject({ accessToken: 'at', orgId: '00D' });
    expect(seen.at(-1)).toEqual({ url: '/internal/v1/connections/ok/salesforce-session', authorization: 'Bearer service-token-0123456789abcdef', body: '{"rejectedAccessToken":"old-token"}' });
  });

  it.each([
    ['gone', 'CONNECTION_NOT_FOUND'],
    ['not-a-uuid', 'CONNECTION_NOT_FOUND'],
    ['revoked', 'REAUTHORIZATION_REQUIRED'],
    ['down', 'UNAVAILABLE'],
  ])('sorts the answer for %s into %s', async (id, code) => {
    const failure = await new ConnectorSettingsSessionClient(baseUrl, 't').obtain(id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SalesforceSessionError);
    expect((failure as SalesforceSessionError).code).toBe(code);
  });

  it('fails loudly when its own service token is refused (a deployment mistake, not a Salesforce state)', async () => {
    await expect(new ConnectorSettingsSessionClient(baseUrl, 't').obtain('refused')).rejects.toThrow(/INTERNAL_SERVICE_TOKEN/);
  });

  it('says UNAVAILABLE when connector-settings does not answer', async () => {
    const failure = await new ConnectorSettingsSessionClient('http://127.0.0.1:1', 't').obtain('ok').catch((e: unknown) => e);
    expect((failure as SalesforceSessionError).code).toBe('UNAVAILABLE');
  });
});
