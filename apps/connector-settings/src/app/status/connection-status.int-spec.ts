import { randomUUID } from 'node:crypto';
import type { ConnectionStatusChanged } from '@task-sync/contracts';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import { applyStatusReport } from './apply-status';
import { findConnectionStatus, listRecentConnectionErrors } from './connection-status';
import { CreateConnectionStatus1764000000202 } from './migrations';

describe('connection status reads (real PostgreSQL): what applyStatusReport folded, typed', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ schema: 'connector_settings', migrations: [CreateConnectionStatus1764000000202] });
  });
  afterAll(() => db.drop());

  const report = (
    connectionId: string,
    at: string,
    more: Partial<ConnectionStatusChanged> = {},
  ): ConnectionStatusChanged => ({
    eventId: randomUUID(),
    type: 'connection-status-changed',
    occurredAt: at,
    connectionId,
    reportedBy: 'sfdc-ingest',
    state: 'importing',
    ...more,
  });

  it('reads a connection status with every column, and null before the first report', async () => {
    const id = randomUUID();
    expect(await findConnectionStatus(db.dataSource, id)).toBeNull();
    const progress = { enableAt: '2026-12-01T10:00:00.000Z', found: 40, imported: 20, failed: 1, done: false };
    await applyStatusReport(
      db.dataSource.manager,
      report(id, '2026-12-01T10:05:00.000Z', {
        import: progress,
        lastSyncedAt: '2026-12-01T10:04:00.000Z',
        apiUsage: { used: 7, limit: 100 },
      }),
    );

    expect(await findConnectionStatus(db.dataSource, id)).toEqual({
      connectionId: id,
      state: 'importing',
      importProgress: progress,
      lastSyncedAt: new Date('2026-12-01T10:04:00.000Z'),
      apiUsed: 7,
      apiLimit: 100,
      reportedAt: new Date('2026-12-01T10:05:00.000Z'),
    });
  });

  it("lists a connection's error reasons, the latest first, no more than asked, and no other connection's", async () => {
    const id = randomUUID();
    const error = (code: string, at: string) =>
      report(id, at, { state: 'error', error: { code, message: `${code} at ${at}` } });
    await applyStatusReport(db.dataSource.manager, error('OLD', '2026-12-01T10:00:00.000Z'));
    await applyStatusReport(db.dataSource.manager, error('NEW', '2026-12-01T10:02:00.000Z'));
    await applyStatusReport(db.dataSource.manager, error('MID', '2026-12-01T10:01:00.000Z'));
    await applyStatusReport(db.dataSource.manager, error('NEW', '2026-12-01T10:03:00.000Z'));
    await applyStatusReport(db.dataSource.manager, {
      ...error('OTHER', '2026-12-01T10:09:00.000Z'),
      connectionId: randomUUID(),
    });

    expect(await listRecentConnectionErrors(db.dataSource, id, 2)).toEqual([
      {
        connectionId: id,
        code: 'NEW',
        count: 2,
        lastMessage: 'NEW at 2026-12-01T10:03:00.000Z',
        lastAt: new Date('2026-12-01T10:03:00.000Z'),
      },
      {
        connectionId: id,
        code: 'MID',
        count: 1,
        lastMessage: 'MID at 2026-12-01T10:01:00.000Z',
        lastAt: new Date('2026-12-01T10:01:00.000Z'),
      },
    ]);
  });
});
