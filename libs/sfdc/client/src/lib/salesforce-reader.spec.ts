import type { TaskRecordById } from './org-read-soql';
import { SalesforceError } from './salesforce-error';
import { SalesforceReader } from './salesforce-reader';
import { TASKS_BY_ID_LIMIT } from './task-soql';
import { ConnectorSettingsSessionClient, SalesforceSessionHandle } from './salesforce-session';

const taskId = (n: number) => `00T${String(n).padStart(12, '0')}EAA`;

/** A reader whose queries are answered here: the ids each SOQL asked for, and what Salesforce said. */
function readerAnswering(answer: (ids: string[]) => { records: string[]; morePages: boolean }) {
  const reader = new SalesforceReader(
    new SalesforceSessionHandle('connection-1', new ConnectorSettingsSessionClient('http://127.0.0.1:1', 'token'), {
      apiVersion: '62.0',
    }),
    {
      retryAttempts: 1,
      retryBaseMs: 1,
      budget: { record: () => undefined, check: () => 'go' },
    },
  );
  const asked: { ids: string[]; all: boolean }[] = [];
  jest.spyOn(reader, 'query').mockImplementation(async <T>(soql: string, all = false) => {
    const ids = [...soql.matchAll(/'(\w+)'/g)].map((m) => m[1]);
    asked.push({ ids, all });
    const { records, morePages } = answer(ids);
    return { records: records.map((Id) => ({ Id }) as TaskRecordById as T), totalSize: records.length, morePages };
  });
  return { reader, asked };
}

describe('SalesforceReader.readTasksByIds', () => {
  it('reads TASKS_BY_ID_LIMIT ids a call with queryAll (deleted tasks answer too), each record once', async () => {
    const ids = Array.from({ length: 2 * TASKS_BY_ID_LIMIT + 50 }, (_, i) => taskId(i));
    const { reader, asked } = readerAnswering((chunk) => ({ records: chunk, morePages: false }));
    const records = await reader.readTasksByIds([...ids, taskId(3), taskId(7).slice(0, 15)]);
    expect(asked.map((a) => a.ids.length)).toEqual([TASKS_BY_ID_LIMIT, TASKS_BY_ID_LIMIT, 50]);
    expect(asked.every((a) => a.all)).toBe(true);
    expect(records.map((r) => r.Id)).toEqual(ids);
  });

  it('asks again for the ids a short page left out', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => taskId(i));
    // Salesforce may answer fewer rows than asked: two at a time here.
    const { reader, asked } = readerAnswering((chunk) => ({ records: chunk.slice(0, 2), morePages: chunk.length > 2 }));
    const records = await reader.readTasksByIds(ids);
    expect(asked.map((a) => a.ids)).toEqual([ids, ids.slice(2), ids.slice(4)]);
    expect(records.map((r) => r.Id)).toEqual(ids);
  });

  it('an id Salesforce no longer has is not answered; nothing is asked for no ids', async () => {
    const { reader, asked } = readerAnswering((chunk) => ({
      records: chunk.filter((id) => id !== taskId(1)),
      morePages: false,
    }));
    expect((await reader.readTasksByIds([taskId(0), taskId(1)])).map((r) => r.Id)).toEqual([taskId(0)]);
    expect(await reader.readTasksByIds([])).toEqual([]);
    expect(asked).toHaveLength(1);
  });

  it('fails rather than loop when a page answers nothing but says more would follow', async () => {
    const { reader } = readerAnswering(() => ({ records: [], morePages: true }));
    await expect(reader.readTasksByIds([taskId(0)])).rejects.toBeInstanceOf(SalesforceError);
  });
});
