import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConnectorSettingsSessionClient,
  SalesforceSessionError,
  SalesforceSessionHandle,
  type ApiCallGate,
} from './salesforce-session';

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
        // The org reader's routes: its session, and whether the org has one (GET …/reader).
        const orgAnswers: Record<string, [number, object]> = {
          '00DREADER': [
            200,
            { orgId: '00DREADER', userId: '005READER', instanceUrl: 'http://sf', accessToken: 'reader-at' },
          ],
          '00DNONE': [404, { error: 'ORG_READER_NOT_FOUND', message: 'no reader for Salesforce org 00DNONE' }],
          '00DREVOKED': [409, { error: 'SALESFORCE_NOT_CONNECTED', message: 'connect it again' }],
        };
        const readerStatus: [number, object] = [
          200,
          { orgId: id, connected: true, sfdcUserId: '005READER', preflight: { passed: true } },
        ];
        const route = (req.url ?? '').split('/')[3];
        const orgAnswer = req.method === 'GET' ? (id === '00DNONE' ? orgAnswers[id] : readerStatus) : orgAnswers[id];
        const [status, answer] = (route === 'orgs' ? orgAnswer : answers[id]) ?? [
          400,
          { error: 'BAD_REQUEST', message: 'uuid is expected' },
        ];
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
    expect(seen.at(-1)).toEqual({
      url: '/internal/v1/connections/ok/salesforce-session',
      authorization: 'Bearer service-token-0123456789abcdef',
      body: '{"rejectedAccessToken":"old-token"}',
    });
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
    await expect(new ConnectorSettingsSessionClient(baseUrl, 't').obtain('refused')).rejects.toThrow(
      /INTERNAL_SERVICE_TOKEN/,
    );
  });

  it('a handle renews its session naming the refused token, and keeps the new one', async () => {
    const handle = new SalesforceSessionHandle('ok', new ConnectorSettingsSessionClient(baseUrl, 't'), {
      apiVersion: '62.0',
    });
    const first = await handle.session();
    const renewed = await handle.renewSession(first.accessToken);
    expect(seen.at(-1)?.body).toBe('{"rejectedAccessToken":"at"}');
    expect(await handle.session()).toBe(renewed);
    const revoked = new SalesforceSessionHandle('revoked', new ConnectorSettingsSessionClient(baseUrl, 't'), {
      apiVersion: '62.0',
    });
    await expect(revoked.renewSession('old')).rejects.toMatchObject({ code: 'REAUTHORIZATION_REQUIRED' });
  });

  it("asks for an org reader's session on its own route, with the same errors", async () => {
    const client = new ConnectorSettingsSessionClient(baseUrl, 't');
    expect(await client.obtainOrgReaderSession('00DREADER', 'old-token')).toEqual({
      orgId: '00DREADER',
      userId: '005READER',
      instanceUrl: 'http://sf',
      accessToken: 'reader-at',
    });
    expect(seen.at(-1)).toMatchObject({
      url: '/internal/v1/orgs/00DREADER/reader-session',
      body: '{"rejectedAccessToken":"old-token"}',
    });
    await expect(client.obtainOrgReaderSession('00DNONE')).rejects.toMatchObject({ code: 'ORG_READER_NOT_FOUND' });
    await expect(client.obtainOrgReaderSession('00DREVOKED')).rejects.toMatchObject({
      code: 'REAUTHORIZATION_REQUIRED',
    });
    // A handle on the reader's session renews it on the same route.
    const handle = SalesforceSessionHandle.forOrgReader('00DREADER', client, { apiVersion: '62.0' });
    expect((await handle.session()).userId).toBe('005READER');
    await handle.renewSession('reader-at');
    expect(seen.at(-1)).toMatchObject({
      url: '/internal/v1/orgs/00DREADER/reader-session',
      body: '{"rejectedAccessToken":"reader-at"}',
    });
  });

  it('says whether an org has a reader, and null when it has none', async () => {
    const client = new ConnectorSettingsSessionClient(baseUrl, 't');
    expect(await client.orgReader('00DREADER')).toEqual({
      orgId: '00DREADER',
      connected: true,
      sfdcUserId: '005READER',
      preflight: { passed: true },
    });
    expect(seen.at(-1)).toMatchObject({ url: '/internal/v1/orgs/00DREADER/reader', authorization: 'Bearer t' });
    expect(await client.orgReader('00DNONE')).toBeNull();
    await expect(
      new ConnectorSettingsSessionClient('http://127.0.0.1:1', 't').orgReader('00DREADER'),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('says UNAVAILABLE when connector-settings does not answer', async () => {
    const failure = await new ConnectorSettingsSessionClient('http://127.0.0.1:1', 't')
      .obtain('ok')
      .catch((e: unknown) => e);
    expect((failure as SalesforceSessionError).code).toBe('UNAVAILABLE');
  });
});

/** A stand-in Salesforce that answers every query empty, with the org's usage in Sforce-Limit-Info. */
describe('SalesforceSessionHandle with an API call gate', () => {
  let server: Server;
  let instanceUrl: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url?.split('?')[0]}`);
      const body = req.url?.includes('/composite/sobjects')
        ? [{ id: '00T1', success: true, errors: [] }]
        : { totalSize: 0, done: true, records: [] };
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'sforce-limit-info': `api-usage=${40 + requests.length}/15000`,
        })
        .end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const handleWith = (gate: Omit<ApiCallGate, 'whenKnown'>) =>
    new SalesforceSessionHandle(
      'c1',
      { obtain: async () => ({ orgId: '00DGATE', userId: '005', instanceUrl, accessToken: 'at' }) },
      { apiVersion: '62.0', calls: { whenKnown: async () => undefined, ...gate } },
    );

  it('each HTTP call is admitted by the gate first (a collections call of many records is one), and every answer tells it the org usage', async () => {
    requests.length = 0;
    const admitted: string[] = [];
    const usages: { used: number; limit: number }[] = [];
    const conn = await handleWith({
      admit: (orgId) => admitted.push(orgId),
      observeUsage: (_orgId, usage) => usages.push(usage),
    }).open();
    await conn.query('SELECT Id FROM Task');
    await conn.sobject('Task').update(
      [
        { Id: '00T1', Subject: 'a' },
        { Id: '00T2', Subject: 'b' },
      ],
      { allOrNone: false },
    );
    expect(requests).toEqual(['GET /services/data/v62.0/query', 'PATCH /services/data/v62.0/composite/sobjects']);
    expect(admitted).toEqual(['00DGATE', '00DGATE']);
    expect(usages.at(-1)).toEqual({ used: 42, limit: 15000 });
  });

  it('a call the gate refuses is never sent, and fails with the gate error', async () => {
    requests.length = 0;
    const refusal = Object.assign(new Error('allocation reached'), { errorCode: 'API_ALLOCATION_REACHED' });
    const conn = await handleWith({
      admit: () => {
        throw refusal;
      },
      observeUsage: () => undefined,
    }).open();
    await expect(conn.query('SELECT Id FROM Task')).rejects.toBe(refusal);
    expect(requests).toEqual([]);
  });

  it("opening waits for the gate to know the org's allowance, before any call", async () => {
    requests.length = 0;
    const seen: string[] = [];
    const handle = new SalesforceSessionHandle(
      'c1',
      { obtain: async () => ({ orgId: '00DGATE', userId: '005', instanceUrl, accessToken: 'at' }) },
      {
        apiVersion: '62.0',
        calls: {
          whenKnown: async (orgId) => void seen.push(`known ${orgId} after ${requests.length} calls`),
          admit: () => undefined,
          observeUsage: () => undefined,
        },
      },
    );
    await (await handle.open()).query('SELECT Id FROM Task');
    expect(seen).toEqual(['known 00DGATE after 0 calls']);
  });
});

/**
 * Salesforce moved the org (a migration, a My Domain change): the old instance refuses every session,
 * and only a token answer names the new one. Two stand-in instances on one server, told apart by path.
 */
describe('SalesforceSessionHandle after an instance move', () => {
  let server: Server;
  let origin: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url?.split('?')[0]} ${req.headers.authorization}`);
      if (req.url?.startsWith('/old/')) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ totalSize: 0, done: true, records: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('the refused call is sent again to the new instance, and every later call goes there: none to the old one', async () => {
    const sessions = [
      { orgId: '00DMOVE', userId: '005', instanceUrl: `${origin}/old`, accessToken: 'at-1' },
      { orgId: '00DMOVE', userId: '005', instanceUrl: `${origin}/new`, accessToken: 'at-2' },
    ];
    const asked: (string | undefined)[] = [];
    const handle = new SalesforceSessionHandle(
      'c1',
      { obtain: async (_id, rejected) => (asked.push(rejected), sessions[asked.length - 1]) },
      { apiVersion: '62.0' },
    );
    const conn = await handle.open();
    await conn.query('SELECT Id FROM Task');
    await conn.query('SELECT Id FROM Task');
    expect(asked).toEqual([undefined, 'at-1']);
    expect(requests).toEqual([
      'GET /old/services/data/v62.0/query Bearer at-1',
      'GET /new/services/data/v62.0/query Bearer at-2',
      'GET /new/services/data/v62.0/query Bearer at-2',
    ]);
    expect((await handle.session()).instanceUrl).toBe(`${origin}/new`);
  });
});
