import type { EntityManager } from 'typeorm';
import type { ImportProgressView } from '@task-sync/contracts/http';

type Db = Pick<EntityManager, 'query'>;

/** The latest state other services reported for a connection (sync.connection-status.v1): a row of connection_status. */
export interface ConnectionStatus {
  connectionId: string;
  state: string;
  /** The current import's progress: found / imported / failed / done (R1). */
  importProgress: ImportProgressView | null;
  lastSyncedAt: Date | null;
  apiUsed: number | null;
  apiLimit: number | null;
  /** The newest report applied; an older one arriving late does not win. */
  reportedAt: Date;
}

/** Errors by reason, counted, with the latest message: a row of connection_error. */
export interface ConnectionError {
  connectionId: string;
  code: string;
  count: number;
  lastMessage: string;
  lastAt: Date;
}

export async function findConnectionStatus(db: Db, connectionId: string): Promise<ConnectionStatus | null> {
  const [row]: ConnectionStatus[] = await db.query(
    `SELECT connection_id AS "connectionId", state, import_progress AS "importProgress", last_synced_at AS "lastSyncedAt",
            api_used AS "apiUsed", api_limit AS "apiLimit", reported_at AS "reportedAt"
     FROM connection_status WHERE connection_id = $1`,
    [connectionId],
  );
  return row ?? null;
}

export function listRecentConnectionErrors(db: Db, connectionId: string, limit: number): Promise<ConnectionError[]> {
  return db.query(
    `SELECT connection_id AS "connectionId", code, count, last_message AS "lastMessage", last_at AS "lastAt"
     FROM connection_error WHERE connection_id = $1 ORDER BY last_at DESC LIMIT $2`,
    [connectionId, limit],
  );
}
