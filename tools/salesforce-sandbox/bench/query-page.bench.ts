// Seeds 100,000 tasks in one org and times 2,000-record query pages over real HTTP.
// Run: npx nx run salesforce-sandbox:bench
import type { ApiContext } from '../src/app/api-guard.middleware';
import { createSalesforceSandbox } from '../src/app/salesforce-sandbox';
import { TaskDml } from '../src/app/task-dml';

const TASKS = 100_000;
const RUNS = 20;

const stats = (ms: number[]): string => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
};

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('query page benchmark', () => {
  // Prints its figures; the target (well under 100 ms a page) is read off them, not asserted.
  it(`times pages of 2,000 over ${TASKS.toLocaleString('en')} tasks`, async () => {
    const sandbox = createSalesforceSandbox({ dailyApiLimit: 10_000_000 });
    const { url } = await sandbox.listen(0);
    const org = sandbox.store.getOrg(sandbox.defaults.orgId);
    const user = org?.users.get(sandbox.defaults.userId);
    if (!org || !user) throw new Error('no default org');
    const ctx: ApiContext = { org, user, userId: sandbox.defaults.userId, client: 'bench', version: 'v59.0' };
    const dml = new TaskDml(sandbox.store, sandbox.clock, sandbox.faults);
    sandbox.clock.set(new Date('2026-11-01T00:00:00Z'), { frozen: true });
    const seedStart = Date.now();
    for (let i = 0; i < TASKS; i++) {
      dml.create(ctx, {
        Subject: `Task ${i}`,
        Description: 'Follow up on the proposal',
        ActivityDate: '2026-11-24',
        Status: i % 5 === 0 ? 'Completed' : 'Not Started',
        SalesConnect_Task_Id__c: `sc-${i}`,
      });
      sandbox.clock.advance(1000);
    }
    const seedMs = Date.now() - seedStart;

    const token = (await (
      await fetch(`${url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'sandbox-client',
          client_secret: 'sandbox-secret',
          username: 'rep@sandbox.test',
          password: 'sandbox',
        }),
      })
    ).json()) as { access_token: string };
    const get = async (path: string): Promise<{ records: unknown[]; nextRecordsUrl?: string }> => {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token.access_token}` } });
      return (await res.json()) as { records: unknown[]; nextRecordsUrl?: string };
    };
    const soql =
      'SELECT Id, Subject, Description, ActivityDate, Status, Priority, IsClosed, IsDeleted, OwnerId, WhoId, SalesConnect_Task_Id__c, LastModifiedDate, SystemModstamp FROM Task WHERE SystemModstamp >= 2026-11-01T00:00:00Z ORDER BY SystemModstamp ASC';
    const first = `/services/data/v59.0/queryAll?q=${encodeURIComponent(soql)}`;

    let next = '';
    await get(first); // warm-up
    const firstPage: number[] = [];
    const morePage: number[] = [];
    const afterWrite: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      firstPage.push(
        await timed(async () => {
          const page = await get(first);
          expect(page.records).toHaveLength(2000);
          next = page.nextRecordsUrl as string;
        }),
      );
      morePage.push(
        await timed(async () => {
          expect((await get(next)).records).toHaveLength(2000);
        }),
      );
      dml.update(ctx, org.tasks.listByModstamp()[i].fields.Id as string, { Subject: `edited ${i}` });
      afterWrite.push(
        await timed(async () => {
          expect((await get(first)).records).toHaveLength(2000);
        }),
      );
    }
    await sandbox.close();

    const lines = [
      `salesforce-sandbox bench: ${TASKS.toLocaleString('en')} tasks seeded in ${seedMs} ms`,
      `  first page of 2,000 (query over all ${TASKS.toLocaleString('en')}, ORDER BY SystemModstamp): ${stats(firstPage)}`,
      `  next page of 2,000 (nextRecordsUrl):                                ${stats(morePage)}`,
      `  first page right after a write (index re-sort):                     ${stats(afterWrite)}`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
  });
});
