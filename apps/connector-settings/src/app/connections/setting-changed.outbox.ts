import { buildMessageKey, encodeEvent, KAFKA_TOPICS, TASK_SYNC_SETTING_CHANGED } from '@task-sync/contracts';
import type { OutboxEntry } from '@task-sync/data-access-messaging';
import type { ConnectionEntity } from './connection.entity';
import type { SettingChangeKind } from './task-sync-setting';

/** What of a connection its settings event carries. */
export type SettingOwner = Pick<
  ConnectionEntity,
  'id' | 'tenantId' | 'userId' | 'timeZone' | 'sfdcOrgId' | 'sfdcUserId'
>;

export function buildSettingChangedEntry(
  connection: SettingOwner,
  kind: SettingChangeKind,
  eventId: string,
  at: Date,
): OutboxEntry {
  const instant = at.toISOString();
  return {
    eventId,
    eventType: TASK_SYNC_SETTING_CHANGED,
    topic: KAFKA_TOPICS.settingsChanges,
    key: buildMessageKey(connection.id),
    payload: encodeEvent(TASK_SYNC_SETTING_CHANGED, {
      eventId,
      type: TASK_SYNC_SETTING_CHANGED,
      occurredAt: instant,
      tenantId: connection.tenantId,
      userId: connection.userId,
      connectionId: connection.id,
      enabled: kind !== 'disable',
      kind,
      changedAt: instant,
      timeZone: connection.timeZone,
      sfdcOrgId: connection.sfdcOrgId,
      sfdcUserId: connection.sfdcUserId,
    }),
  };
}
