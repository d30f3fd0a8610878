import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

interface Row {
  Id: string;
  Subject: string;
  IsArchived: boolean;
  SystemModstamp: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const subjects = (rows: { Subject: string }[]): string[] => rows.map((r) => r.Subject).sort();
/** jsforce 3 has no queryAll(): its `scanAll` option calls the queryAll resource. */
const queryAll = (conn: Connection, soql: string) => conn.query<Row>(soql, { scanAll: true });

describe('archived tasks: seen by queryAll and retrieve, not by query', () => {
  let h: Harness;
  let conn: Connection;
  let orgId: string;
  const ids: Record<string, string> = {};
  let archiveAnswer: { status: number; body: { archived: string[] } };
  let eventsBefore: number;
  const changeEvents = async () =>
    (await h.admin<unknown[]>('GET', `/salesforce/orgs/${orgId}/change-events`)).body.length;
  const archive = (body: unknown) =>
    h.admin<{ archived: string[] }>('POST', `/salesforce/orgs/${orgId}/tasks/archive`, body);

  beforeAll(async () => {
    h = await startHarness();
    conn = await h.login();
    orgId = h.sandbox.defaults.orgId;
    h.sandbox.clock.set(new Date('2025-06-01T10:00:00Z'), { frozen: true });
    const created = await conn.sobject('Task').create([
      { Subject: 'arch due', Status: 'Completed', ActivityDate: '2025-05-01' },
      { Subject: 'arch undated', Status: 'Completed' },
      { Subject: 'arch open', Status: 'Not Started', ActivityDate: '2025-05-01' },
      { Subject: 'arch recent', Status: 'Completed', ActivityDate: '2026-11-01' },
    ]);
    ['due', 'undated', 'open', 'recent'].forEach((name, i) => (ids[name] = created[i].id as string));
    h.sandbox.clock.set(new Date('2026-11-24T12:00:00Z'), { frozen: true });
    eventsBefore = await changeEvents();
    archiveAnswer = await archive({});
  });
  afterAll(() => h.close());

  it('POST …/tasks/archive takes closed tasks due 365+ days ago, or created then when undated; open and recent ones stay', () => {
    expect(archiveAnswer.status).toBe(200);
    expect(archiveAnswer.body.archived.sort()).toEqual([ids.due, ids.undated].sort());
  });

  it('query leaves archived tasks out, even when the WHERE clause names them, and COUNT() does not count them', async () => {
    expect(subjects((await conn.query<Row>("SELECT Subject FROM Task WHERE Subject LIKE 'arch %'")).records)).toEqual([
      'arch open',
      'arch recent',
    ]);
    expect((await conn.query(`SELECT Id FROM Task WHERE Id = '${ids.due}'`)).totalSize).toBe(0);
    expect((await conn.query('SELECT Id FROM Task WHERE IsArchived = true')).totalSize).toBe(0);
    expect((await conn.query("SELECT COUNT() FROM Task WHERE Subject LIKE 'arch %'")).totalSize).toBe(2);
  });

  it('queryAll returns them with IsArchived = true, and can filter on it', async () => {
    const all = await queryAll(
      conn,
      "SELECT Subject, IsArchived FROM Task WHERE Subject LIKE 'arch %' ORDER BY Subject",
    );
    expect(all.records.map((r) => [r.Subject, r.IsArchived === true])).toEqual([
      ['arch due', true],
      ['arch open', false],
      ['arch recent', false],
      ['arch undated', true],
    ]);
    expect(
      subjects((await conn.query<Row>('SELECT Subject FROM Task WHERE IsArchived = true', { scanAll: true })).records),
    ).toEqual(['arch due', 'arch undated']);
  });

  it('retrieve by id still answers them, one at a time and through sObject Collections', async () => {
    expect(await conn.sobject('Task').retrieve(ids.due)).toMatchObject({
      Id: ids.due,
      Subject: 'arch due',
      IsArchived: true,
    });
    const many = await conn.sobject('Task').retrieve([ids.due, ids.undated], { fields: ['Subject', 'IsArchived'] });
    expect(many.map((r) => [r?.Subject, r?.IsArchived])).toEqual([
      ['arch due', true],
      ['arch undated', true],
    ]);
  });

  it('archiving is not a modification: SystemModstamp unchanged, nothing for getUpdated, no change event', async () => {
    const stamps = (await queryAll(conn, "SELECT SystemModstamp FROM Task WHERE Subject LIKE 'arch %'")).records.map(
      (r) => r.SystemModstamp,
    );
    expect(new Set(stamps)).toEqual(new Set(['2025-06-01T10:00:00.000+0000']));
    h.sandbox.clock.advance(5 * 60_000); // so latestDateCovered reaches past the archive run
    const updated = await conn
      .sobject('Task')
      .updated(new Date('2026-11-24T11:00:00Z'), new Date('2026-11-24T12:05:00Z'));
    expect(updated.ids).toEqual([]);
    expect(await changeEvents()).toBe(eventsBefore);
  });

  it('an archived task can be updated and stays archived (Salesforce documents only that IsArchived is not writable)', async () => {
    await conn.sobject('Task').update({ Id: ids.due, Subject: 'arch due edited' });
    const [edited] = (
      await queryAll(conn, `SELECT Subject, IsArchived, SystemModstamp FROM Task WHERE Id = '${ids.due}'`)
    ).records;
    expect(edited).toMatchObject({
      Subject: 'arch due edited',
      IsArchived: true,
      SystemModstamp: '2026-11-24T12:05:00.000+0000',
    });
    expect((await conn.query(`SELECT Id FROM Task WHERE Id = '${ids.due}'`)).totalSize).toBe(0);
    // The edit is a modification: getUpdated lists it.
    h.sandbox.clock.advance(2 * 60_000);
    expect(
      (await conn.sobject('Task').updated(new Date('2026-11-24T12:04:00Z'), new Date('2026-11-24T12:07:00Z'))).ids,
    ).toEqual([ids.due]);
    const error = await errorOf(conn.sobject('Task').update({ Id: ids.undated, IsArchived: false }));
    expect(error.name).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('explicit ids archive any live task, once; olderThanDays changes the age; bad input is a 400', async () => {
    expect((await archive({ ids: [ids.recent] })).body).toEqual({ archived: [ids.recent] });
    expect((await archive({ ids: [ids.recent] })).body).toEqual({ archived: [] });
    const { id: lastWeek } = await conn
      .sobject('Task')
      .create({ Subject: 'arch last week', Status: 'Completed', ActivityDate: '2026-11-17' });
    expect((await archive({ olderThanDays: 30 })).body).toEqual({ archived: [] });
    expect((await archive({ olderThanDays: 7 })).body).toEqual({ archived: [lastWeek] });
    await conn.sobject('Task').destroy(ids.open);
    for (const body of [
      { ids: [ids.open] },
      { ids: ['00T000000009999AAA'] },
      { ids: ['not an id'] },
      { ids: [ids.open], olderThanDays: 1 },
    ]) {
      expect((await archive(body)).status).toBe(400);
    }
  });
});

describe('the delete log purged early: POST …/recycle-bin/purge', () => {
  let h: Harness;
  let conn: Connection;
  let orgId: string;
  const now = Date.parse('2026-11-24T12:00:30Z');
  const ids: Record<string, string> = {};
  const at = (ms: number) => h.sandbox.clock.set(new Date(ms), { frozen: true });
  const purge = (body: unknown) =>
    h.admin<{ purged: string[]; earliestDateAvailable: string }>(
      'POST',
      `/salesforce/orgs/${orgId}/recycle-bin/purge`,
      body,
    );
  const deleted = (startAgo: number, endAgo = 0) =>
    conn
      .sobject('Task')
      .deleted(new Date(h.sandbox.clock.nowMs() - startAgo), new Date(h.sandbox.clock.nowMs() - endAgo));

  beforeAll(async () => {
    h = await startHarness();
    conn = await h.login();
    orgId = h.sandbox.defaults.orgId;
    at(now - 5 * DAY);
    const created = await conn
      .sobject('Task')
      .create(['3 days', '1 day', '1 hour', 'live'].map((s) => ({ Subject: `purge ${s}` })));
    ['d3', 'd1', 'h1', 'live'].forEach((name, i) => (ids[name] = created[i].id as string));
    for (const [name, ago] of [
      ['d3', 3 * DAY],
      ['d1', DAY],
      ['h1', HOUR],
    ] as const) {
      at(now - ago);
      await conn.sobject('Task').destroy(ids[name]);
    }
    at(now);
  });
  afterAll(() => h.close());

  it('before any purge, earliestDateAvailable is now − 15 days (whole minutes)', async () => {
    const result = await deleted(14 * DAY);
    expect(result.earliestDateAvailable).toBe('2026-11-09T12:00:00.000+0000');
    expect(result.deletedRecords.map((r) => r.id)).toEqual([ids.d3, ids.d1, ids.h1]);
  });

  it('hard-deletes what was deleted before `before`: gone from queryAll, retrieve and getDeleted; earliestDateAvailable moves to it', async () => {
    const answer = await purge({ before: '2026-11-22T12:00:30Z' });
    expect(answer).toEqual({
      status: 200,
      body: { purged: [ids.d3], earliestDateAvailable: '2026-11-22T12:00:00.000+0000' },
    });
    const all = await queryAll(conn, `SELECT Id FROM Task WHERE Id IN ('${ids.d3}', '${ids.d1}', '${ids.h1}')`);
    expect(all.records.map((r) => r.Id).sort()).toEqual([ids.d1, ids.h1].sort());
    expect((await errorOf(conn.sobject('Task').retrieve(ids.d3))).name).toBe('NOT_FOUND');
    const result = await deleted(2 * DAY);
    expect(result.earliestDateAvailable).toBe('2026-11-22T12:00:00.000+0000');
    expect(result.deletedRecords.map((r) => r.id)).toEqual([ids.d1, ids.h1]);
  });

  it('a start before the purge point is INVALID_REPLICATION_DATE, though within 15 days', async () => {
    const error = await errorOf(deleted(3 * DAY));
    expect(error.name).toBe('INVALID_REPLICATION_DATE');
    expect(error.message).toMatch(/purged/);
  });

  it('an earlier `before` does not move it back; no `before` empties the whole bin; later deletes are logged again', async () => {
    expect((await purge({ before: '2026-11-14T00:00:00Z' })).body).toEqual({
      purged: [],
      earliestDateAvailable: '2026-11-22T12:00:00.000+0000',
    });
    const all = await purge({});
    expect(all.body).toEqual({ purged: [ids.d1, ids.h1], earliestDateAvailable: '2026-11-24T12:00:00.000+0000' });
    await conn.sobject('Task').destroy(ids.live);
    h.sandbox.clock.advance(2 * 60_000);
    const result = await conn
      .sobject('Task')
      .deleted(new Date('2026-11-24T12:00:00Z'), new Date('2026-11-24T12:05:00Z'));
    expect(result.deletedRecords).toEqual([{ id: ids.live, deletedDate: '2026-11-24T12:00:30.000+0000' }]);
    expect(result.earliestDateAvailable).toBe('2026-11-24T12:00:00.000+0000');
  });

  it('once 15 days have passed the purge point, the 15-day window takes over again', async () => {
    at(now + 20 * DAY);
    const result = await deleted(15 * DAY - 60_000);
    expect(result.earliestDateAvailable).toBe('2026-11-29T12:00:00.000+0000');
    expect(result.deletedRecords).toEqual([]); // the delete of 20 days ago went with the 15-day purge
  });

  it('refuses a `before` that is not a date-time or is later than the sandbox clock', async () => {
    expect((await purge({ before: 'yesterday' })).status).toBe(400);
    expect((await purge({ before: '2027-01-01T00:00:00Z' })).status).toBe(400);
  });
});

describe('snapshots keep the purge point and the archive flag', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfsb-purge-'));
  const snapshotFile = path.join(dir, 'state.json');
  const now = new Date('2026-11-24T12:00:00Z');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const restart = async (): Promise<{ h: Harness; conn: Connection }> => {
    const h = await startHarness({ snapshotFile });
    h.sandbox.clock.set(now, { frozen: true });
    return { h, conn: await h.login() };
  };

  it('a restart answers the same earliestDateAvailable and IsArchived; a snapshot written before purges existed loads with the 15-day window', async () => {
    const first = await restart();
    const orgId = first.h.sandbox.defaults.orgId;
    const { id } = await first.conn.sobject('Task').create({ Subject: 'kept archived' });
    await first.h.admin('POST', `/salesforce/orgs/${orgId}/tasks/archive`, { ids: [id] });
    await first.h.admin('POST', `/salesforce/orgs/${orgId}/recycle-bin/purge`, { before: '2026-11-20T08:00:00Z' });
    await first.h.close(); // writes the snapshot

    const second = await restart();
    const earliest = async (conn: Connection) =>
      (await conn.sobject('Task').deleted(new Date('2026-11-23T00:00:00Z'), now)).earliestDateAvailable;
    expect(await earliest(second.conn)).toBe('2026-11-20T08:00:00.000+0000');
    expect((await queryAll(second.conn, `SELECT IsArchived FROM Task WHERE Id = '${id}'`)).records[0].IsArchived).toBe(
      true,
    );
    expect((await second.conn.query(`SELECT Id FROM Task WHERE Id = '${id}'`)).totalSize).toBe(0);
    await second.h.close();

    const saved = JSON.parse(readFileSync(snapshotFile, 'utf8')) as { store: { orgs: Record<string, unknown>[] } };
    for (const org of saved.store.orgs) delete org.recycleBinPurgedBefore;
    writeFileSync(snapshotFile, JSON.stringify(saved));
    const third = await restart();
    expect(await earliest(third.conn)).toBe('2026-11-09T12:00:00.000+0000');
    await third.h.close();
  });
});
