import type { EntityManager } from 'typeorm';
import type { TaskSyncSettingChanged } from '@task-sync/contracts';

/**
 * Records a setting change in the history and moves the connection's current setting forward.
 * Run it inside processOnce, so a redelivered event changes nothing.
 */
export async function applySettingChange(manager: EntityManager, event: TaskSyncSettingChanged): Promise<void> {
  const changedAt = new Date(event.changedAt);
  // A change published again (a new event id, the same kind and instant: connector-settings does
  // it once to carry the Salesforce org and user) is still one change in the history.
  await manager.query(
    `INSERT INTO connection_setting_change (event_id, connection_id, kind, changed_at)
     SELECT $1::uuid, $2, $3, $4::timestamptz
     WHERE NOT EXISTS (SELECT 1 FROM connection_setting_change WHERE connection_id = $2 AND kind = $3 AND changed_at = $4)`,
    [event.eventId, event.connectionId, event.kind, changedAt],
  );
  const firstEnabledAt = event.kind === 'first-enable' ? changedAt : null;
  // Upsert that never moves back in time and never overwrites the first enable. A connection's
  // Salesforce org and user never change; an event without them (an older one) keeps what is known.
  await manager.query(
    `INSERT INTO connection_setting AS c
       (connection_id, tenant_id, user_id, enabled, time_zone, first_enabled_at, changed_at, sfdc_org_id, sfdc_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (connection_id) DO UPDATE SET
       enabled = CASE WHEN EXCLUDED.changed_at >= c.changed_at THEN EXCLUDED.enabled ELSE c.enabled END,
       time_zone = CASE WHEN EXCLUDED.changed_at >= c.changed_at THEN EXCLUDED.time_zone ELSE c.time_zone END,
       first_enabled_at = COALESCE(c.first_enabled_at, EXCLUDED.first_enabled_at),
       changed_at = GREATEST(c.changed_at, EXCLUDED.changed_at),
       sfdc_org_id = COALESCE(EXCLUDED.sfdc_org_id, c.sfdc_org_id),
       sfdc_user_id = COALESCE(EXCLUDED.sfdc_user_id, c.sfdc_user_id)`,
    [
      event.connectionId,
      event.tenantId,
      event.userId,
      event.enabled,
      event.timeZone,
      firstEnabledAt,
      changedAt,
      event.sfdcOrgId ?? null,
      event.sfdcUserId ?? null,
    ],
  );
}
