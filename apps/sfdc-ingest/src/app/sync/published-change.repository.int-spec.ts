import { settingsProjection } from '@task-sync/data-access-connection-settings';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import { SFDC_INGEST_MIGRATIONS } from './migrations';
import { DELETED, PublishedChangeRepository } from './published-change.repository';

const T1 = '00T000000000001EAA';
const T2 = '00T000000000002EAA';
const at = (iso: string) => Date.parse(iso);

describe('PublishedChangeRepository (real PostgreSQL): what each connection was sent, and where each task goes', () => {
  let db: TestDatabase;
  let published: PublishedChangeRepository;

  beforeEach(async () => {
    db = await createTestDatabase({
      schema: 'sfdc_ingest',
      migrations: [...settingsProjection.migrations, ...SFDC_INGEST_MIGRATIONS],
    });
    published = new PublishedChangeRepository(db.dataSource);
  });
  afterEach(() => db.drop());

  const remember = (connectionId: string, changes: { taskId: string; stamp: number; fingerprint: string }[]) =>
    db.dataSource.transaction((m) => published.remember(m, connectionId, changes));

  it('a change published is dropped when read again as it was, not when it changed within the same second', async () => {
    await remember('a', [{ taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'v1' }]);
    const reread = [
      { taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'v1' },
      { taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'v2' },
    ];
    expect(await published.withoutPublished('a', reread)).toEqual([reread[1]]);
    expect(await published.withoutPublished('b', reread)).toEqual(reread);
  });

  it('a task put back within the same second (completed, then reopened) is a change: only its latest published state is dropped', async () => {
    const open = { taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'open' };
    const completed = { taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'completed' };
    await remember('a', [open]);
    await remember('a', [completed]);
    expect(await published.withoutPublished('a', [open])).toEqual([open]);
    await remember('a', [open]);
    // Published again, it is the latest again: a second read of it (the poll's look-back) is dropped.
    expect(await published.withoutPublished('a', [open])).toEqual([]);
    expect(await published.withoutPublished('a', [completed])).toEqual([completed]);
  });

  it('a read older than the latest change published (a slower reader) is dropped; a newer one is not', async () => {
    await remember('a', [{ taskId: T1, stamp: at('2026-12-01T10:00:05Z'), fingerprint: 'v2' }]);
    const older = { taskId: T1, stamp: at('2026-12-01T10:00:04Z'), fingerprint: 'v1' };
    const newer = { taskId: T1, stamp: at('2026-12-01T10:00:06Z'), fingerprint: 'v2' };
    expect(await published.withoutPublished('a', [older, newer])).toEqual([newer]);
  });

  it('a task published to a connection has a route there (by its 15-character id); its delete ends the route', async () => {
    await remember('a', [
      { taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'v1' },
      { taskId: T2, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'v1' },
    ]);
    await remember('b', [{ taskId: T1, stamp: at('2026-12-01T10:00:01Z'), fingerprint: 'v1' }]);
    expect(await published.routesOf([T1.slice(0, 15), T2])).toEqual(
      new Map([
        ['00T000000000001', ['a', 'b']],
        ['00T000000000002', ['a']],
      ]),
    );

    await remember('a', [{ taskId: T1, stamp: at('2026-12-01T10:05:00Z'), fingerprint: DELETED }]);
    expect(await published.routesOf([T1, T2])).toEqual(
      new Map([
        ['00T000000000001', ['b']],
        ['00T000000000002', ['a']],
      ]),
    );
    // Read in one batch with its delete (created and deleted between two reads): no route is left.
    await remember('c', [
      { taskId: T2, stamp: at('2026-12-01T10:06:00Z'), fingerprint: 'v1' },
      { taskId: T2, stamp: at('2026-12-01T10:06:05Z'), fingerprint: DELETED },
    ]);
    expect((await published.routesOf([T2])).get('00T000000000002')).toEqual(['a']);
  });

  it('what lies well behind both watermarks (a look-back and an hour) is forgotten, for these connections only', async () => {
    for (const id of ['a', 'b']) {
      await db.dataSource.query(
        `INSERT INTO sfdc_sync_state (connection_id, enable_at, enable_kind, stage, changes_watermark, deletes_watermark, next_run_at) VALUES ($1, now(), 'first-enable', 'live', $2, $2, now())`,
        [id, new Date('2026-12-01T12:00:00Z')],
      );
      await remember(id, [
        { taskId: T1, stamp: at('2026-12-01T10:00:00Z'), fingerprint: 'old' },
        { taskId: T1, stamp: at('2026-12-01T11:30:00Z'), fingerprint: 'recent' },
      ]);
    }
    await published.pruneBehindWatermarks(['a'], 120_000);
    const left = await db.dataSource.query(
      `SELECT connection_id, fingerprint FROM sfdc_published_change ORDER BY 1, 2`,
    );
    expect(left).toEqual([
      { connection_id: 'a', fingerprint: 'recent' },
      { connection_id: 'b', fingerprint: 'old' },
      { connection_id: 'b', fingerprint: 'recent' },
    ]);
  });
});
