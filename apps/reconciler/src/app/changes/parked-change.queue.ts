import type { EntityManager } from 'typeorm';
import type { SyncChange } from '@task-sync/sync-rules';

/**
 * A connection's parked changes, locked, in the order they were parked (the order they must be
 * decided in). Rows another transaction is deciding are skipped. The id is ordered as a number:
 * ordered by its text, change 10 would be decided before change 9.
 */
export function lockParkedChanges(manager: Pick<EntityManager, 'query'>, connectionId: string): Promise<{ id: string; change: SyncChange }[]> {
  return manager.query(`SELECT p.id::text AS id, p.change FROM parked_change p WHERE p.connection_id = $1 ORDER BY p.id FOR UPDATE SKIP LOCKED`, [connectionId]);
}
