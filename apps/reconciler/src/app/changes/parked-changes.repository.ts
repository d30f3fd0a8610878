import { Injectable } from '@nestjs/common';
import type { Db } from '../transactions';
import type { ConnectionSyncSettings, SyncChange } from '@task-sync/sync-rules';

/** A row of parked_change (CreateParkedChanges1764000000401); the bigint id as text. */
export interface ParkedChange {
  id: string;
  change: SyncChange;
}

/** A connection as a run of changes needs it: whether changes of it are parked, and its setting with its history. */
export interface ConnectionState {
  parked: boolean;
  settings: ConnectionSyncSettings;
}

/** Every method runs in the caller's transaction (`db`). */
@Injectable()
export class ParkedChangesRepository {
  /** The change waits, after every change of its connection parked before it. */
  async park(db: Db, connectionId: string, change: SyncChange): Promise<void> {
    await db.query(`INSERT INTO parked_change (connection_id, change) VALUES ($1, $2)`, [
      connectionId,
      JSON.stringify(change),
    ]);
  }

  async connectionsWaiting(db: Db): Promise<string[]> {
    const rows: { connection_id: string }[] = await db.query(`SELECT DISTINCT connection_id FROM parked_change`);
    return rows.map((r) => r.connection_id);
  }

  /**
   * In the order parked, which is the order they must be decided in; rows another transaction is
   * deciding are skipped. The id is ordered as a number: by its text, change 10 would precede 9.
   */
  lockForRelease(db: Db, connectionId: string): Promise<ParkedChange[]> {
    return db.query(
      `SELECT p.id::text AS id, p.change FROM parked_change p WHERE p.connection_id = $1 ORDER BY p.id FOR UPDATE SKIP LOCKED`,
      [connectionId],
    );
  }

  async release(db: Db, ids: readonly string[]): Promise<void> {
    await db.query(`DELETE FROM parked_change WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async connectionState(db: Db, connectionId: string): Promise<ConnectionState> {
    return (await this.connectionStates(db, [connectionId])).get(connectionId) as ConnectionState;
  }

  /** One statement for many connections: an ask each was most of a run's statements. */
  async connectionStates(db: Db, connectionIds: readonly string[]): Promise<Map<string, ConnectionState>> {
    const rows: {
      connection_id: string;
      parked: boolean;
      enabled: boolean;
      salesforce_user_id: string | null;
      history: ConnectionSyncSettings['history'];
    }[] = await db.query(
      `SELECT c.id AS connection_id,
              exists(SELECT 1 FROM parked_change WHERE connection_id = c.id) AS parked,
              coalesce(s.enabled, false) AS enabled,
              s.sfdc_user_id AS salesforce_user_id,
              coalesce((SELECT json_agg(json_build_object('kind', kind, 'at', to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY changed_at)
                          FROM connection_setting_change WHERE connection_id = c.id), '[]'::json) AS history
         FROM unnest($1::text[]) AS c(id) LEFT JOIN connection_setting s ON s.connection_id = c.id`,
      [[...new Set(connectionIds)]],
    );
    return new Map(
      rows.map((r) => [
        r.connection_id,
        {
          parked: r.parked,
          settings: { enabled: r.enabled, history: r.history, salesforceUserId: r.salesforce_user_id },
        },
      ]),
    );
  }

  /** The Sales Connect user the connection's reads and writes there act as (null: its setting is not known here). */
  async salesConnectUserOf(db: Db, connectionId: string): Promise<string | null> {
    const [row]: { user_id: string }[] = await db.query(
      `SELECT user_id FROM connection_setting WHERE connection_id = $1`,
      [connectionId],
    );
    return row?.user_id ?? null;
  }
}
