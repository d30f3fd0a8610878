// Change events delivered to one jsforce streaming subscriber (over real HTTP) while a writer makes
// 1,000 task changes a second. The writer calls TaskDml in-process, the code path REST writes take
// behind HTTP: one Node process cannot both send 1,000 REST calls a second and serve them on the
// 2-core VM (it reached ~490/s), and the subscriber is what is measured. Run: npx nx run salesforce-sandbox:bench
import { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming';
import type { ChangeEventData } from '../src/app/change-events/change-event';
import type { ApiContext } from '../src/app/api-guard.middleware';
import { createSalesforceSandbox } from '../src/app/salesforce-sandbox';
import { TaskDml } from '../src/app/task-dml';

const RATE = 1_000;
const SECONDS = 10;
const TICK_MS = 10;

describe('change event delivery benchmark', () => {
  // Prints its figures; nothing about timing is asserted.
  it(`delivers to one subscriber while a writer makes ${RATE.toLocaleString('en')} changes a second`, async () => {
    const sandbox = createSalesforceSandbox({ dailyApiLimit: 10_000_000, dailyEventDeliveryAllocation: 10_000_000 });
    const { url } = await sandbox.listen(0);
    const connect = async (username: string): Promise<Connection> => {
      const conn = new Connection({
        loginUrl: url,
        version: '62.0',
        oauth2: { loginUrl: url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', redirectUri: `${url}/cb` },
      });
      await conn.login(username, 'sandbox');
      return conn;
    };
    const admin = await connect(sandbox.defaults.adminUsername);
    const writer = await connect(sandbox.defaults.username);

    // Tasks to update, seeded first (their CREATE events come before the subscription's -1).
    const ids = (
      await writer.sobject('Task').create(Array.from({ length: 200 }, (_, i) => ({ Subject: `bench ${i}` })))
    ).map((r) => r.id as string);

    const received: ChangeEventData[] = [];
    let firstAt = 0;
    let lastAt = 0;
    const client = admin.streaming.createClient([
      new StreamingExtension.Replay('/data/TaskChangeEvent', -1),
      new StreamingExtension.AuthFailure(() => undefined),
    ]) as ReturnType<typeof admin.streaming.createClient> & { disconnect(): void };
    await new Promise((resolve, reject) =>
      client
        .subscribe('/data/TaskChangeEvent', (data: ChangeEventData) => {
          lastAt = performance.now();
          if (received.length === 0) firstAt = lastAt;
          received.push(data);
        })
        .then(resolve, reject),
    );

    // The writer: on each 10 ms tick, the updates due by then, each its own transaction, to distinct
    // values (so no two merge into one event), with the call options a REST client would send.
    const org = sandbox.store.getOrg(sandbox.defaults.orgId);
    const user = org?.users.get(sandbox.defaults.userId);
    if (!org || !user) throw new Error('no default org');
    const ctx: ApiContext = { org, user, userId: sandbox.defaults.userId, client: 'bench', version: 'v62.0' };
    const dml = new TaskDml(sandbox.store, sandbox.clock, sandbox.faults);
    let done = 0;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(RATE * SECONDS, Math.floor(((performance.now() - start) / 1000) * RATE));
        for (; done < due; done++) dml.update(ctx, ids[done % ids.length], { Subject: `edit ${done}` });
        if (done >= RATE * SECONDS) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    const writeSeconds = (performance.now() - start) / 1000;
    const deadline = performance.now() + 30_000;
    while (received.length < done && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const drainMs = Math.max(0, lastAt - (start + writeSeconds * 1000));
    client.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    await sandbox.close();

    const deliverSeconds = (lastAt - firstAt) / 1000;
    const lines = [
      `salesforce-sandbox change-event bench: one subscriber (jsforce streaming client), writer at ${RATE.toLocaleString('en')} updates/s for ${SECONDS} s`,
      `  writes: ${done.toLocaleString('en')} in ${writeSeconds.toFixed(1)} s (${(done / writeSeconds).toFixed(0)}/s achieved)`,
      `  events delivered: ${received.length.toLocaleString('en')} in ${deliverSeconds.toFixed(1)} s = ${(received.length / deliverSeconds).toFixed(0)} events/s; last one ${drainMs.toFixed(0)} ms after the last write`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
  }, 120_000);
});
