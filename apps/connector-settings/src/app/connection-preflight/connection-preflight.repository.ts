import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isBlockingReadiness, type ConnectionReadiness } from '@task-sync/sync-rules';

/** A connection's last conclusive preflight. */
export interface ConnectionPreflight {
  connectionId: string;
  state: ConnectionReadiness;
  detail: string | null;
  checkedAt: Date;
}

interface PreflightRow {
  connection_id: string;
  state: ConnectionReadiness;
  detail: string | null;
  checked_at: Date;
}

const toPreflight = (r: PreflightRow): ConnectionPreflight => ({
  connectionId: r.connection_id,
  state: r.state,
  detail: r.detail,
  checkedAt: new Date(r.checked_at),
});

@Injectable()
export class ConnectionPreflightRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async find(
    connectionId: string,
    manager: Pick<EntityManager, 'query'> = this.dataSource.manager,
  ): Promise<ConnectionPreflight | null> {
    const rows: PreflightRow[] = await manager.query(
      `SELECT connection_id, state, detail, checked_at FROM connection_preflight WHERE connection_id = $1`,
      [connectionId],
    );
    return rows[0] ? toPreflight(rows[0]) : null;
  }

  /** The connection's preflight state if it pauses the connection, else null. */
  async blockingStateOf(connectionId: string): Promise<ConnectionPreflight | null> {
    const found = await this.find(connectionId);
    return found && isBlockingReadiness(found.state) ? found : null;
  }

  async record(
    connectionId: string,
    state: ConnectionReadiness,
    detail: string | null,
    checkedAt: Date,
  ): Promise<ConnectionReadiness | null> {
    const rows: { previous: ConnectionReadiness | null }[] = await this.dataSource.query(
      `WITH previous AS (SELECT state FROM connection_preflight WHERE connection_id = $1)
       INSERT INTO connection_preflight AS p (connection_id, state, detail, checked_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (connection_id) DO UPDATE SET state = EXCLUDED.state, detail = EXCLUDED.detail, checked_at = EXCLUDED.checked_at
       RETURNING (SELECT state FROM previous) AS previous`,
      [connectionId, state, detail, checkedAt],
    );
    return rows[0]?.previous ?? null;
  }

  /** Connections holding a grant whose last preflight is older than `checkedBefore` (or that have none), oldest first. */
  async listDue(checkedBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT c.id FROM connection c LEFT JOIN connection_preflight p ON p.connection_id = c.id
        WHERE c.refresh_token_sealed IS NOT NULL AND (p.checked_at IS NULL OR p.checked_at < $1)
        ORDER BY p.checked_at NULLS FIRST, c.id LIMIT $2`,
      [checkedBefore, limit],
    );
    return rows.map((r) => r.id);
  }
}
