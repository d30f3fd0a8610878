import pino from 'pino';
import { decodeEvent, TaskSyncSettingChanged } from '@task-sync/contracts';
import { CreateOutboxMessage1764000000001 } from '@task-sync/data-access-messaging';
import { buildDataSourceOptions, initializeDataSource } from '@task-sync/util-nest';
import { createTestDatabase, type TestDatabase } from '@task-sync/util-nest/testing';
import {
  AddSealedAccessToken1764000000203,
  AddSealedRefreshToken1764000000201,
  CreateConnection1764000000200,
  OneConnectionPerUser1764000000222,
  RepublishLatestSettingChange1764000000207,
} from './migrations';
import type { SettingChangeKind } from './task-sync-setting';

const SCHEMA = 'connector_settings';
const BEFORE = [
  CreateOutboxMessage1764000000001,
  CreateConnection1764000000200,
  AddSealedRefreshToken1764000000201,
  AddSealedAccessToken1764000000203,
];
const ORG = '00D000000000001AAA';

describe('RepublishLatestSettingChange1764000000207 (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ schema: SCHEMA, migrations: BEFORE });
  });
  afterEach(() => db.drop());

  /** A connection set up before this migration, with its setting's history; its events are already published. */
  async function connectionWith(user: string, changes: [SettingChangeKind, string][]): Promise<string> {
    const latest = changes[changes.length - 1];
    const [{ id }] = await db.dataSource.query(
      `INSERT INTO connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url, task_sync_enabled, first_enabled_at)
       VALUES ('acme', $1, 'America/Sao_Paulo', $2, $3, $1 || '@acme.test', 'https://acme.my.salesforce.com', $4, $5) RETURNING id`,
      [
        user,
        ORG,
        `005${user.padStart(15, '0')}`,
        latest !== undefined && latest[0] !== 'disable',
        changes[0]?.[1] ?? null,
      ],
    );
    for (const [kind, at] of changes) {
      await db.dataSource.query(
        `INSERT INTO task_sync_change (event_id, connection_id, kind, changed_at) VALUES (gen_random_uuid(), $1, $2, $3)`,
        [id, kind, at],
      );
    }
    return id;
  }

  /** The service starting with this migration, as a replica does (advisory lock, pending migrations). */
  async function startReplica(): Promise<void> {
    const options = buildDataSourceOptions({
      url: db.url,
      schema: SCHEMA,
      migrations: [...BEFORE, RepublishLatestSettingChange1764000000207],
    });
    await (await initializeDataSource(options, pino({ level: 'silent' }))).destroy();
  }

  const outbox = async (): Promise<TaskSyncSettingChanged[]> =>
    (await db.dataSource.query(`SELECT payload FROM outbox_message WHERE published_at IS NULL ORDER BY id`)).map(
      (r: { payload: string }) => decodeEvent(r.payload) as TaskSyncSettingChanged,
    );

  it("enqueues each published connection's latest change once more, with its Salesforce org and user", async () => {
    const enabled = await connectionWith('1', [
      ['first-enable', '2026-11-01T10:00:00.250Z'],
      ['disable', '2026-11-02T10:00:00Z'],
      ['re-enable', '2026-11-03T10:00:00Z'],
    ]);
    const disabled = await connectionWith('2', [
      ['first-enable', '2026-11-01T11:00:00Z'],
      ['disable', '2026-11-04T11:00:00.125Z'],
    ]);
    await connectionWith('3', []); // connected, never enabled: nothing was published for it

    await startReplica();

    const events = await outbox();
    expect(
      events.map(({ connectionId, kind, enabled, changedAt, sfdcOrgId, sfdcUserId }) => ({
        connectionId,
        kind,
        enabled,
        changedAt,
        sfdcOrgId,
        sfdcUserId,
      })),
    ).toEqual(
      [
        {
          connectionId: enabled,
          kind: 're-enable',
          enabled: true,
          changedAt: '2026-11-03T10:00:00.000Z',
          sfdcOrgId: ORG,
          sfdcUserId: '005000000000000001',
        },
        {
          connectionId: disabled,
          kind: 'disable',
          enabled: false,
          changedAt: '2026-11-04T11:00:00.125Z',
          sfdcOrgId: ORG,
          sfdcUserId: '005000000000000002',
        },
      ].sort((a, b) => a.connectionId.localeCompare(b.connectionId)),
    );
    // New event ids: consumers that applied the original events would skip them otherwise.
    const published: string[] = (await db.dataSource.query(`SELECT event_id FROM task_sync_change`)).map(
      (h: { event_id: string }) => h.event_id,
    );
    expect(events.filter((e) => published.includes(e.eventId))).toEqual([]);
  });

  it('runs once: replicas starting together enqueue it once, and a later start enqueues nothing', async () => {
    await connectionWith('1', [['first-enable', '2026-11-01T10:00:00Z']]);
    await Promise.all([startReplica(), startReplica()]);
    expect(await outbox()).toHaveLength(1);
    await startReplica();
    expect(await outbox()).toHaveLength(1);
  });
});

describe('OneConnectionPerUser1764000000222 (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ schema: SCHEMA, migrations: BEFORE });
  });
  afterEach(() => db.drop());

  /** A connection as users could make them before: several per user, each its own Salesforce user. */
  async function connection(
    user: string,
    sfdcUser: string,
    createdAt: string,
    enabledAt: string | null,
    enabled = enabledAt !== null,
  ): Promise<string> {
    const [{ id }] = await db.dataSource.query(
      `INSERT INTO connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url, task_sync_enabled, first_enabled_at, created_at)
       VALUES ('acme', $1, 'UTC', $2, $3, $3 || '@acme.test', 'https://acme.my.salesforce.com', $4, $5, $6) RETURNING id`,
      [user, ORG, sfdcUser, enabled, enabledAt, createdAt],
    );
    if (enabledAt)
      await db.dataSource.query(
        `INSERT INTO task_sync_change (event_id, connection_id, kind, changed_at) VALUES (gen_random_uuid(), $1, 'first-enable', $2)`,
        [id, enabledAt],
      );
    return id;
  }

  async function migrate(): Promise<void> {
    const options = buildDataSourceOptions({
      url: db.url,
      schema: SCHEMA,
      migrations: [...BEFORE, OneConnectionPerUser1764000000222],
    });
    await (await initializeDataSource(options, pino({ level: 'silent' }))).destroy();
  }

  it('keeps one connection a user (sync on, else ever enabled, else the oldest), drops the others as Disconnect does, then refuses a second', async () => {
    const neverEnabled = await connection('ana', '005000000000001AAA', '2026-11-01T00:00:00Z', null);
    const syncing = await connection('ana', '005000000000002AAA', '2026-11-02T00:00:00Z', '2026-11-02T01:00:00Z');
    const older = await connection('bia', '005000000000003AAA', '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z');
    const newer = await connection('bia', '005000000000004AAA', '2026-11-03T00:00:00Z', '2026-11-03T01:00:00Z');
    const disabled = await connection(
      'caio',
      '005000000000005AAA',
      '2026-11-01T00:00:00Z',
      '2026-11-01T01:00:00Z',
      false,
    );
    const fresh = await connection('caio', '005000000000006AAA', '2026-11-04T00:00:00Z', null);
    const alone = await connection('duda', '005000000000007AAA', '2026-11-01T00:00:00Z', null);

    await migrate();

    const kept: string[] = (await db.dataSource.query(`SELECT id FROM connection`)).map((r: { id: string }) => r.id);
    expect(kept.sort()).toEqual([syncing, older, disabled, alone].sort());
    // Only a dropped connection with sync on announces a disable; history goes with each dropped connection.
    const events: TaskSyncSettingChanged[] = (
      await db.dataSource.query(`SELECT payload FROM outbox_message ORDER BY id`)
    ).map((r: { payload: string }) => decodeEvent(r.payload) as TaskSyncSettingChanged);
    expect(events.map(({ connectionId, kind, enabled }) => ({ connectionId, kind, enabled }))).toEqual([
      { connectionId: newer, kind: 'disable', enabled: false },
    ]);
    const history: string[] = (await db.dataSource.query(`SELECT connection_id FROM task_sync_change`)).map(
      (r: { connection_id: string }) => r.connection_id,
    );
    expect(history.sort()).toEqual([syncing, older, disabled].sort());
    expect([neverEnabled, fresh].filter((id) => kept.includes(id))).toEqual([]);

    await expect(connection('duda', '005000000000008AAA', '2026-11-05T00:00:00Z', null)).rejects.toMatchObject({
      driverError: expect.objectContaining({ constraint: 'connection_one_per_user' }),
    });
  });
});
