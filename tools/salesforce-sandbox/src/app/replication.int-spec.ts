import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('sobjects/Task/updated and /deleted (getUpdated, getDeleted) on the sandbox clock', () => {
  let h: Harness;
  let conn: Connection;
  const now = new Date('2026-11-24T12:00:00.000Z');
  let modified25hAgo: string;
  let modified1hAgo: string;
  let deleted16dAgo: string;
  let deleted2dAgo: string;

  beforeAll(async () => {
    h = await startHarness();
    conn = await h.login();
    const at = async (ms: number) => h.sandbox.clock.set(new Date(ms), { frozen: true });
    await at(now.getTime() - 20 * DAY);
    deleted16dAgo = (await conn.sobject('Task').create({ Subject: 'old' })).id as string;
    await at(now.getTime() - 16 * DAY);
    await conn.sobject('Task').destroy(deleted16dAgo);
    await at(now.getTime() - 3 * DAY);
    deleted2dAgo = (await conn.sobject('Task').create({ Subject: 'to delete' })).id as string;
    await at(now.getTime() - 2 * DAY);
    await conn.sobject('Task').destroy(deleted2dAgo);
    await at(now.getTime() - 25 * HOUR);
    modified25hAgo = (await conn.sobject('Task').create({ Subject: 'yesterday' })).id as string;
    await at(now.getTime() - HOUR);
    modified1hAgo = (await conn.sobject('Task').create({ Subject: 'recent' })).id as string;
    await at(now.getTime());
  });
  afterAll(() => h.close());

  it('a task can be made "modified 25 hours ago": a 24-hour query window leaves it out', async () => {
    const since = new Date(now.getTime() - DAY).toISOString();
    const recent = await conn.query<{ Id: string }>(
      `SELECT Id FROM Task WHERE SystemModstamp >= ${since} ORDER BY SystemModstamp`,
    );
    expect(recent.records.map((r) => r.Id)).toEqual([modified1hAgo]);
  });

  it('updated lists live ids changed in the window (not deleted ones) and latestDateCovered (capped at now, whole minutes)', async () => {
    const result = await conn
      .sobject('Task')
      .updated(new Date(now.getTime() - 3 * DAY - 60_000), new Date(now.getTime() + HOUR));
    expect(result.ids.sort()).toEqual([modified25hAgo, modified1hAgo].sort());
    expect(result.latestDateCovered).toBe('2026-11-24T12:00:00.000+0000');
  });

  it('deleted lists deletions in the last 15 days with deletedDate, earliestDateAvailable and latestDateCovered', async () => {
    const result = await conn.sobject('Task').deleted(new Date(now.getTime() - 15 * DAY + 60_000), now);
    expect(result.deletedRecords).toEqual([{ id: deleted2dAgo, deletedDate: '2026-11-22T12:00:00.000+0000' }]);
    expect(result.earliestDateAvailable).toBe('2026-11-09T12:00:00.000+0000');
    expect(result.latestDateCovered).toBe('2026-11-24T12:00:00.000+0000');
    // The task deleted 16 days ago is gone from the recycle bin: queryAll does not see it either.
    const all = await conn.query(`SELECT Id FROM Task WHERE Id = '${deleted16dAgo}'`, { scanAll: true });
    expect(all.totalSize).toBe(0);
  });

  it.each([
    ['deleted', 'starting 16 days ago', 16 * DAY, 0, /startDate cannot be more than 15 days ago/],
    ['updated', 'starting 31 days ago', 31 * DAY, 0, /startDate cannot be more than 30 days ago/],
    ['deleted', 'spanning 30 seconds', HOUR, HOUR - 30_000, /more than one minute/],
    ['updated', 'ending before its start', HOUR, 2 * HOUR, /more than one minute/],
  ] as const)('%s %s is INVALID_REPLICATION_DATE', async (kind, _label, startAgo, endAgo, message) => {
    const start = new Date(now.getTime() - startAgo);
    const end = new Date(now.getTime() - endAgo);
    const call =
      kind === 'deleted' ? conn.sobject('Task').deleted(start, end) : conn.sobject('Task').updated(start, end);
    const error = await errorOf(call);
    expect(error.name).toBe('INVALID_REPLICATION_DATE');
    expect(error.message).toMatch(message);
  });
});
