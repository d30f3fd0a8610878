import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { CreateParkedChanges1764000000401 } from '../links/migrations';
import { ParkedChangesRepository } from './parked-changes.repository';

describe("ParkedChangesRepository.lockForRelease: a connection's parked changes, to be decided in order (real PostgreSQL)", () => {
  let db: TestDatabase;
  const parked = new ParkedChangesRepository();

  beforeAll(async () => {
    db = await createTestDatabase({ schema: 'parked_change_spec', entities: [], migrations: [CreateParkedChanges1764000000401] });
  });
  afterAll(() => db.drop());

  const park = (id: number, connectionId: string, taskId: string) =>
    db.dataSource.query(`INSERT INTO parked_change (id, connection_id, change) VALUES ($1, $2, $3)`, [id, connectionId, JSON.stringify({ side: 'sfdc', kind: 'upsert', taskId })]);

  it('in the order parked, ids past a power of ten included, and only the connection asked for', async () => {
    await park(9, 'conn-a', 'created');
    await park(10, 'conn-a', 'deleted');
    await park(11, 'conn-b', 'other');
    await park(100, 'conn-a', 'later');
    const rows = await db.dataSource.transaction((m) => parked.lockForRelease(m, 'conn-a'));
    expect(rows.map((r) => [r.id, r.change.taskId])).toEqual([
      ['9', 'created'],
      ['10', 'deleted'],
      ['100', 'later'],
    ]);
  });

  it('skips the rows another transaction holds', async () => {
    await park(200, 'conn-c', 'first');
    await db.dataSource.transaction(async (holder) => {
      expect((await parked.lockForRelease(holder, 'conn-c')).map((r) => r.id)).toEqual(['200']);
      await park(201, 'conn-c', 'second');
      const seen = await db.dataSource.transaction((m) => parked.lockForRelease(m, 'conn-c'));
      expect(seen.map((r) => r.id)).toEqual(['201']);
    });
  });
});
