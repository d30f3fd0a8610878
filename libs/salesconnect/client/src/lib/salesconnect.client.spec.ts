import { parseCalendarDate } from '@task-sync/task-domain';
import type { SalesConnectTransport, TransportResponse } from './http-transport';
import { SalesConnectClient } from './salesconnect.client';
import { apiErrorOf } from '../testing/api-error-of';

// The client against a recording transport: which request goes out, and how answers become results
// or typed errors. Its run against the real sandbox is in the sandbox's app-token.int-spec.ts.

interface Recorded {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

const task = {
  id: 'sct_1',
  ownerId: 'scu_1',
  name: 'Call Ana',
  details: '',
  dueDate: '2026-11-25',
  status: 'Open',
  priority: 'Normal',
  type: 'call',
  contactEmail: null,
  version: 3,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:05:00.000Z',
  completedAt: null,
  createdBy: 'salesconnect-ui',
  lastModifiedBy: 'task-sync',
};

function fakeApi(answer: (req: Recorded) => TransportResponse | Promise<TransportResponse>) {
  const calls: Recorded[] = [];
  const transport: SalesConnectTransport = async (r) => {
    const req: Recorded = {
      url: r.url,
      method: r.method,
      headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: r.body === undefined ? undefined : JSON.parse(r.body),
    };
    calls.push(req);
    return answer(req);
  };
  return {
    calls,
    client: new SalesConnectClient({
      baseUrl: 'http://sc.test/',
      token: 'sc_app_x',
      clientApp: 'task-sync',
      transport,
    }),
  };
}

const answer = (status: number, text: string, headers: Record<string, string> = {}): TransportResponse => ({
  status,
  text,
  header: (name) => headers[name.toLowerCase()] ?? null,
});
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  answer(status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

describe('SalesConnectClient', () => {
  it('reads a feed page with the app token, cursor and limit, and validates it', async () => {
    const change = {
      cursor: 'c2',
      sequence: 2,
      type: 'updated',
      taskId: 'sct_1',
      tenantId: 'tenant-1',
      userId: 'scu_1',
      occurredAt: '2026-11-24T10:05:00.000Z',
      origin: 'salesconnect-ui',
      changedFields: ['name'],
      task,
    };
    const { calls, client } = fakeApi(() => json(200, { changes: [change], nextCursor: 'c2' }));
    const page = await client.listChanges({ cursor: 'c1', limit: 500 });
    expect(page).toEqual({ changes: [change], nextCursor: 'c2' });
    expect(calls[0].url.toString()).toBe('http://sc.test/v1/changes?cursor=c1&limit=500');
    expect(calls[0].headers).toMatchObject({ authorization: 'Bearer sc_app_x', 'x-client-app': 'task-sync' });
    expect(calls[0].headers['x-salesconnect-user']).toBeUndefined();
  });

  it('acts as a user with X-SalesConnect-User, sending Idempotency-Key and If-Match', async () => {
    const { calls, client } = fakeApi((req) =>
      req.method === 'DELETE' ? answer(204, '') : json(201, task, { 'idempotent-replayed': 'true' }),
    );
    const user = client.forUser('scu_1');
    const created = await user.createTask(
      { name: 'Call Ana', dueDate: parseCalendarDate('2026-11-25'), type: 'call' },
      { idempotencyKey: 'k-1' },
    );
    expect(created).toEqual({ task, replayed: true });
    await user.deleteTask('sct_1', { ifMatch: 3 });
    expect(
      calls.map((c) => [
        c.method,
        c.url.pathname,
        c.headers['x-salesconnect-user'],
        c.headers['idempotency-key'],
        c.headers['if-match'],
      ]),
    ).toEqual([
      ['POST', '/v1/tasks', 'scu_1', 'k-1', undefined],
      ['DELETE', '/v1/tasks/sct_1', 'scu_1', undefined, '3'],
    ]);
    expect(calls[0].body).toEqual({ name: 'Call Ana', dueDate: '2026-11-25', type: 'call' });
  });

  it('lists tasks by ids as a user, tombstones included, and refuses more ids than one call takes', async () => {
    const tombstone = { ...task, id: 'sct_2', deletedAt: '2026-11-24T11:00:00.000Z' };
    const { calls, client } = fakeApi(() => json(200, { items: [task, tombstone], nextCursor: null }));
    expect(await client.forUser('scu_1').listTasksByIds(['sct_1', 'sct_2'])).toEqual([task, tombstone]);
    expect(calls[0].url.toString()).toBe('http://sc.test/v1/tasks?ids=sct_1%2Csct_2&includeDeleted=true&limit=200');
    await expect(
      client.forUser('scu_1').listTasksByIds(Array.from({ length: 201 }, (_, i) => `sct_${i}`)),
    ).rejects.toThrow('1 to 200 ids a call');
  });

  it.each([
    [
      'a 410 CURSOR_EXPIRED',
      () => json(410, { error: 'CURSOR_EXPIRED', message: 'too old' }),
      'CURSOR_EXPIRED',
      410,
      false,
    ],
    [
      'a 409 with its details',
      () => json(409, { error: 'VERSION_CONFLICT', message: 'stale', currentVersion: 4 }),
      'VERSION_CONFLICT',
      409,
      false,
    ],
    [
      'a 503 with Retry-After',
      () => json(503, { error: 'SERVICE_UNAVAILABLE', message: 'later' }, { 'retry-after': '2' }),
      'SERVICE_UNAVAILABLE',
      503,
      true,
    ],
    ['a 502 HTML page from a proxy', () => answer(502, '<html>bad gateway</html>'), 'UNEXPECTED_STATUS', 502, true],
    [
      'a 200 that is not a feed page',
      () => json(200, { changes: [{ sequence: 'one' }] }),
      'INVALID_RESPONSE',
      200,
      false,
    ],
  ])('turns %s into a typed error', async (_label, answer, code, status, retryable) => {
    const { client } = fakeApi(answer);
    const error = await apiErrorOf(client.listChanges());
    expect([error.code, error.status, error.retryable]).toEqual([code, status, retryable]);
    if (code === 'VERSION_CONFLICT') expect(error.details).toEqual({ currentVersion: 4 });
    if (code === 'SERVICE_UNAVAILABLE') expect(error.retryAfterMs).toBe(2000);
  });

  it('reports a refused connection as a retryable NETWORK_ERROR with its cause', async () => {
    const { client } = fakeApi(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    });
    const error = await apiErrorOf(client.listWebhookSubscriptions());
    expect([error.code, error.status, error.retryable]).toEqual(['NETWORK_ERROR', null, true]);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
