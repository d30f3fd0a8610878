import type { EntityManager } from 'typeorm';
import type { SettingChangeKind } from './task-sync-setting';

/** One enable or disable of a connection's task sync: a row of task_sync_change, the history R3, R5 and R7 are judged on. */
export interface TaskSyncChange {
  eventId: string;
  connectionId: string;
  kind: SettingChangeKind;
  changedAt: Date;
}

/** Call in the transaction that changes the setting, under the id of the event that announces it. */
export async function recordTaskSyncChange(db: Pick<EntityManager, 'query'>, change: TaskSyncChange): Promise<void> {
  await db.query(`INSERT INTO task_sync_change (event_id, connection_id, kind, changed_at) VALUES ($1, $2, $3, $4)`, [
    change.eventId,
    change.connectionId,
    change.kind,
    change.changedAt,
  ]);
}
