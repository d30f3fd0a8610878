import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { SalesConnectClient } from '@task-sync/salesconnect-client';
import type { TaskFields } from '@task-sync/task-domain';
import type { CoalescedWrite } from '@task-sync/sync-rules';
import type { LinkIds } from './link-ids';
import { SalesConnectWriteExecutor } from './salesconnect-write.executor';

const ROOT = path.resolve(__dirname, '../../../../..');
const APP_TOKEN = 'sc_app_task_sync_dev';

/**
 * The Sales Connect writes against the Sales Connect sandbox as a process (built by `nx build
 * salesconnect-sandbox`), over HTTP: a write never overwrites a change the rules have not read.
 */
describe('Sales Connect writes, If-Match the version the link knows (real Sales Connect sandbox)', () => {
  let sandbox: ChildProcess;
  let url: string;
  let user: { id: string; apiToken: string };
  const executor = () =>
    new SalesConnectWriteExecutor(
      new SalesConnectClient({ baseUrl: url, token: APP_TOKEN, clientApp: 'task-sync' }),
      2,
    );

  beforeAll(async () => {
    sandbox = spawn(process.execPath, [path.join(ROOT, 'dist/tools/salesconnect-sandbox/main.js')], {
      // The child's environment is this one plus its port (0: a free one, printed); no app config is read here.
      // eslint-disable-next-line no-restricted-properties
      env: { ...process.env, SALESCONNECT_SANDBOX_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for await (const line of readline.createInterface({ input: sandbox.stdout as NodeJS.ReadableStream })) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'Sales Connect sandbox listening' && entry.url) {
        url = entry.url;
        break;
      }
    }
    const created = await fetch(`${url}/__admin/salesconnect/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'writes@example.com', timeZone: 'UTC' }),
    });
    user = (await created.json()) as typeof user;
  });

  afterAll(async () => {
    if (!sandbox || sandbox.exitCode !== null) return;
    sandbox.kill('SIGTERM');
    await once(sandbox, 'exit');
  });

  /** The person's own calls, with their token (the Sales Connect UI). */
  async function asPerson(
    method: string,
    pathname: string,
    body?: unknown,
  ): Promise<{ id: string; name: string; status: string; version: number }> {
    const res = await fetch(`${url}${pathname}`, {
      method,
      headers: {
        authorization: `Bearer ${user.apiToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id: string; name: string; status: string; version: number }>;
  }

  const agreed = (overrides: Partial<TaskFields>): TaskFields => ({
    title: 'agreed',
    details: '',
    dueDate: null,
    open: true,
    priority: 'normal',
    type: 'other',
    contactEmail: null,
    ...overrides,
  });
  const write = (fields: Partial<TaskFields>): CoalescedWrite => ({
    linkId: 'link-1',
    side: 'salesconnect',
    kind: 'update',
    fields,
    rowIds: ['1'],
  });
  const linkAt = (taskId: string, version: number | null, fields: TaskFields): Map<string, LinkIds> =>
    new Map([
      [
        'link-1',
        {
          salesConnectTaskId: taskId,
          sfdcTaskId: null,
          lastSeenSfdc: null,
          sfdcWrittenAt: null,
          unlinked: false,
          agreedForSfdc: null,
          agreedForSalesConnect: fields,
          salesConnectVersion: version,
        },
      ],
    ]);

  it('a write over a change made since the version the link knows waits, and the change stays', async () => {
    const task = await asPerson('POST', '/v1/tasks', { name: 'first' });
    await asPerson('PATCH', `/v1/tasks/${task.id}`, { name: 'the person, not read yet' });
    const w = write({ title: 'from Salesforce' });
    const outcome = (
      await executor().run(user.id, [w], linkAt(task.id, task.version, agreed({ title: 'from Salesforce' })))
    ).get(w);
    expect(outcome).toMatchObject({ kind: 'hold' });
    expect((await asPerson('GET', `/v1/tasks/${task.id}`)).name).toBe('the person, not read yet');
  });

  it('once the link knows the version, the write goes with the values agreed now, and answers the new version', async () => {
    const task = await asPerson('POST', '/v1/tasks', { name: 'first' });
    const read = await asPerson('PATCH', `/v1/tasks/${task.id}`, { name: 'the person, read' });
    // Queued as 'from Salesforce'; the rules have since agreed on the person's later title and a completion.
    const w = write({ title: 'from Salesforce', open: true });
    const outcome = (
      await executor().run(
        user.id,
        [w],
        linkAt(task.id, read.version, agreed({ title: 'the person, read', open: false })),
      )
    ).get(w);
    const now = await asPerson('GET', `/v1/tasks/${task.id}`);
    expect(now).toMatchObject({ name: 'the person, read', status: 'Complete' });
    expect(outcome).toEqual({ kind: 'done', version: now.version });
  });

  it('a write over an unread change waits however long it has been queued (never blind); one with no known version goes without If-Match', async () => {
    const task = await asPerson('POST', '/v1/tasks', { name: 'first' });
    await asPerson('PATCH', `/v1/tasks/${task.id}`, { name: 'never read' });
    const held = write({ title: 'from Salesforce' });
    expect(
      (await executor().run(user.id, [held], linkAt(task.id, task.version, agreed({ title: 'from Salesforce' })))).get(
        held,
      ),
    ).toMatchObject({ kind: 'hold' });
    expect((await asPerson('GET', `/v1/tasks/${task.id}`)).name).toBe('never read');
    const unversioned = write({ title: 'old link' });
    expect(
      (await executor().run(user.id, [unversioned], linkAt(task.id, null, agreed({ title: 'old link' })))).get(
        unversioned,
      ),
    ).toMatchObject({ kind: 'done' });
    expect((await asPerson('GET', `/v1/tasks/${task.id}`)).name).toBe('old link');
  });

  it('a create answers the new task’s version, for the link', async () => {
    const create: CoalescedWrite = {
      linkId: 'link-new',
      side: 'salesconnect',
      kind: 'create',
      fields: agreed({ title: 'created by the sync' }),
      rowIds: ['2'],
    };
    const outcome = (
      await executor().run(
        user.id,
        [create],
        new Map([
          [
            'link-new',
            {
              salesConnectTaskId: null,
              sfdcTaskId: 'x',
              lastSeenSfdc: null,
              sfdcWrittenAt: null,
              unlinked: false,
              agreedForSfdc: null,
              agreedForSalesConnect: null,
              salesConnectVersion: null,
            },
          ],
        ]),
      )
    ).get(create);
    expect(outcome).toMatchObject({ kind: 'done', version: 1, createdId: expect.any(String) });
  });
});
