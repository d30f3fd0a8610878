import type { EntityManager } from 'typeorm';
import type { ConnectionStatusChanged } from '@task-sync/contracts';

/** The newest report sets the state; a field a report leaves out keeps its last value. */
export async function applyStatusReport(manager: EntityManager, report: ConnectionStatusChanged): Promise<void> {
  await manager.query(
    `INSERT INTO connection_status AS s (connection_id, state, import_progress, last_synced_at, api_used, api_limit, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (connection_id) DO UPDATE SET
       state = EXCLUDED.state,
       import_progress = COALESCE(EXCLUDED.import_progress, s.import_progress),
       last_synced_at = GREATEST(EXCLUDED.last_synced_at, s.last_synced_at),
       api_used = COALESCE(EXCLUDED.api_used, s.api_used),
       api_limit = COALESCE(EXCLUDED.api_limit, s.api_limit),
       reported_at = EXCLUDED.reported_at
     WHERE EXCLUDED.reported_at >= s.reported_at`,
    [
      report.connectionId,
      report.state,
      report.import ? JSON.stringify(report.import) : null,
      report.lastSyncedAt ?? null,
      report.apiUsage?.used ?? null,
      report.apiUsage?.limit ?? null,
      report.occurredAt,
    ],
  );
  if (report.error) {
    await manager.query(
      `INSERT INTO connection_error AS e (connection_id, code, count, last_message, last_at) VALUES ($1, $2, 1, $3, $4)
       ON CONFLICT (connection_id, code) DO UPDATE SET
         count = e.count + 1,
         last_message = CASE WHEN EXCLUDED.last_at >= e.last_at THEN EXCLUDED.last_message ELSE e.last_message END,
         last_at = GREATEST(e.last_at, EXCLUDED.last_at)`,
      [report.connectionId, report.error.code, report.error.message, report.occurredAt],
    );
  }
}

type EndPausedState = (
  manager: Pick<EntityManager, 'query'>,
  connectionId: string,
  taskSyncEnabled: boolean,
) => Promise<void>;

/** The reported `pausedState`, if the connection is still in it, gives way to `syncing` (`idle` with sync off). */
const endPausedState =
  (pausedState: 'unauthorized' | 'setup-required'): EndPausedState =>
  async (manager, connectionId, taskSyncEnabled) => {
    await manager.query(
      `UPDATE connection_status SET state = $2, reported_at = greatest(reported_at, now()) WHERE connection_id = $1 AND state = $3`,
      [connectionId, taskSyncEnabled ? 'syncing' : 'idle', pausedState],
    );
  };

/** A grant Salesforce still refuses is reported `unauthorized` again at the services' next recheck. */
export const markGrantRenewed = endPausedState('unauthorized');

/** The services' paused reads and writes resume at their next recheck, and report again. */
export const markSetupComplete = endPausedState('setup-required');
