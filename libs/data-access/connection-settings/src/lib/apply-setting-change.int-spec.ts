import { randomUUID } from 'node:crypto';
import { TASK_SYNC_SETTING_CHANGED, TaskSyncSettingChanged } from '@task-sync/contracts';
import { createTestDatabase, TestDatabase } from '@task-sync/util-nest/testing';
import { applySettingChange } from './apply-setting-change';
import { settingsProjection } from './settings-projection';

const change = (
  kind: TaskSyncSettingChanged['kind'],
  changedAt: string,
  timeZone = 'Europe/Lisbon',
): TaskSyncSettingChanged => ({
  eventId: randomUUID(),
  type: TASK_SYNC_SETTING_CHANGED,
  occurredAt: changedAt,
  tenantId: 't',
  userId: 'u',
  connectionId: 'conn-1',
  enabled: kind !== 'disable',
  kind,
  changedAt,
  timeZone,
});

describe('applySettingChange (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ schema: 'projection_spec', ...settingsProjection });
  });
  afterEach(() => db.drop());

  const current = async () =>
    (await db.dataSource.query(`SELECT enabled, time_zone, first_enabled_at, changed_at FROM connection_setting`))[0];
  const apply = (e: TaskSyncSettingChanged) => db.dataSource.transaction((m) => applySettingChange(m, e));

  it('keeps the first enable instant through later disables and re-enables', async () => {
    await apply(change('first-enable', '2026-11-01T10:00:00Z'));
    await apply(change('disable', '2026-11-02T10:00:00Z'));
    await apply(change('re-enable', '2026-11-03T10:00:00Z'));
    const row = await current();
    expect(row.enabled).toBe(true);
    expect(row.first_enabled_at.toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(row.changed_at.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    const history = await db.dataSource.query(`SELECT kind FROM connection_setting_change ORDER BY changed_at`);
    expect(history.map((h: { kind: string }) => h.kind)).toEqual(['first-enable', 'disable', 're-enable']);
  });

  it("keeps the connection's Salesforce org and user, also through an event published before they were carried", async () => {
    const owner = { sfdcOrgId: '00D000000000001AAA', sfdcUserId: '005000000000001AAA' };
    await apply(change('first-enable', '2026-11-01T10:00:00Z'));
    expect(await db.dataSource.query(`SELECT sfdc_org_id, sfdc_user_id FROM connection_setting`)).toEqual([
      { sfdc_org_id: null, sfdc_user_id: null },
    ]);
    await apply({ ...change('disable', '2026-11-02T10:00:00Z'), ...owner });
    await apply(change('re-enable', '2026-11-03T10:00:00Z'));
    expect(await db.dataSource.query(`SELECT enabled, sfdc_org_id, sfdc_user_id FROM connection_setting`)).toEqual([
      { enabled: true, sfdc_org_id: owner.sfdcOrgId, sfdc_user_id: owner.sfdcUserId },
    ]);
  });

  it.each([
    ['an enable', ['first-enable', 'disable', 're-enable'], true],
    ['a disable (R7)', ['first-enable', 'disable'], false],
  ] as const)(
    'takes the Salesforce org and user from %s published again, and adds nothing else: same setting, same history',
    async (_label, kinds, enabled) => {
      const owner = { sfdcOrgId: '00D000000000001AAA', sfdcUserId: '005000000000001AAA' };
      const changes = kinds.map((kind, day) => change(kind, `2026-11-0${day + 1}T10:00:00Z`));
      for (const c of changes) await apply(c);
      const before = await db.dataSource.query(
        `SELECT enabled, time_zone, first_enabled_at, changed_at FROM connection_setting`,
      );
      const latest = changes[changes.length - 1];
      await apply({ ...latest, eventId: randomUUID(), occurredAt: '2026-12-05T10:00:00Z', ...owner });
      expect(
        await db.dataSource.query(`SELECT enabled, time_zone, first_enabled_at, changed_at FROM connection_setting`),
      ).toEqual(before);
      expect(await db.dataSource.query(`SELECT enabled, sfdc_org_id, sfdc_user_id FROM connection_setting`)).toEqual([
        { enabled, sfdc_org_id: owner.sfdcOrgId, sfdc_user_id: owner.sfdcUserId },
      ]);
      const history = await db.dataSource.query(
        `SELECT event_id, kind FROM connection_setting_change ORDER BY changed_at`,
      );
      expect(history).toEqual(changes.map((c) => ({ event_id: c.eventId, kind: c.kind })));
    },
  );

  it('does not let a change that arrives late undo a newer one', async () => {
    await apply(change('first-enable', '2026-11-01T10:00:00Z', 'Asia/Tokyo'));
    await apply(change('disable', '2026-11-05T10:00:00Z', 'Asia/Tokyo'));
    await apply(change('re-enable', '2026-11-03T10:00:00Z', 'Pacific/Auckland')); // older, delivered last
    const row = await current();
    expect(row.enabled).toBe(false);
    expect(row.time_zone).toBe('Asia/Tokyo');
    expect(row.changed_at.toISOString()).toBe('2026-11-05T10:00:00.000Z');
  });
});
