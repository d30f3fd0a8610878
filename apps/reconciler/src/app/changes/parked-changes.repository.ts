import { Injectable } from '@nestjs/common';
import type { Db } from '../transactions';
import type { ConnectionSyncSettings, SyncChange, UnlinkedDeletion } from '@task-sync/sync-rules';

/** A row of parked_change (CreateParkedChanges1764000000401); the bigint id as text. */
export interface ParkedChange {
  id: string;
  change: SyncChange;
}

/** A row of deletion_awaiting_create (CreateDeletionsAwaitingCreate1764000000440). */
export interface DeletionAwaitingCreate {
  id: string;
  connectionId: string;
  change: SyncChange;
  /** When it first waited (ms): kept when it waits again, so OWN_CREATE_WAIT_MS counts from there. */
  waitingSinceMs: number;
}

/** A connection as a run of changes needs it: whether changes of it are parked, and its setting with its history. */
export interface ConnectionState {
  parked: boolean;
  settings: ConnectionSyncSettings;
}

/**
 * parked_change and deletion_awaiting_create: changes decided later, not dropped. Every method runs
 * in the caller's transaction (`db`).
 */
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

  /**
   * What `mustAwaitOwnCreate` needs of each deletion, in one statement (one snapshot): asked after the
   * run read its links, a write round that committed in between shows as `linkedNow`, one that has
   * not as its create still queued.
   */
  async unlinkedDeletions(
    db: Db,
    deletions: readonly { connectionId: string; change: SyncChange }[],
  ): Promise<Omit<UnlinkedDeletion, 'waitedMs'>[]> {
    if (deletions.length === 0) return [];
    const rows: { create_in_flight: boolean; linked_now: boolean }[] = await db.query(
      `SELECT ${createInFlight('d')} AS create_in_flight,
              CASE d.side
                WHEN 'sfdc' THEN EXISTS (SELECT 1 FROM task_link l WHERE l.connection_id = d.connection_id AND l.sfdc_task_id = d.task_id AND l.unlinked_at IS NULL)
                ELSE EXISTS (SELECT 1 FROM task_link l WHERE l.connection_id = d.connection_id AND l.salesconnect_task_id = d.task_id AND l.unlinked_at IS NULL)
              END AS linked_now
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS d(connection_id, side, task_id, n)
        ORDER BY d.n`,
      [
        deletions.map((d) => d.connectionId),
        deletions.map((d) => d.change.side),
        deletions.map((d) => d.change.taskId),
      ],
    );
    return rows.map((r) => ({ createInFlight: r.create_in_flight, linkedNow: r.linked_now }));
  }

  /** The deletions wait for the connection's creates on their side to land (`waitingSinceMs`: when each first waited). */
  async awaitCreates(
    db: Db,
    deletions: readonly { connectionId: string; change: SyncChange; waitingSinceMs: number }[],
  ): Promise<void> {
    if (deletions.length === 0) return;
    await db.query(
      `INSERT INTO deletion_awaiting_create (connection_id, side, change, waiting_since)
       SELECT d.connection_id, d.change->>'side', d.change, d.since
         FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[]) AS d(connection_id, change, since)`,
      [
        deletions.map((d) => d.connectionId),
        deletions.map((d) => JSON.stringify(d.change)),
        deletions.map((d) => new Date(d.waitingSinceMs).toISOString()),
      ],
    );
  }

  /**
   * Those to decide again: no create of their connection on their side is queued any more, or they
   * waited since `waitedUpTo` or longer. Rows another transaction is deciding are skipped.
   */
  lockDeletionsReady(db: Db, waitedUpTo: Date, limit: number): Promise<DeletionAwaitingCreate[]> {
    return db.query(
      `SELECT a.id::text AS id, a.connection_id AS "connectionId", a.change,
              (extract(epoch FROM a.waiting_since) * 1000)::float8 AS "waitingSinceMs"
         FROM deletion_awaiting_create a
        WHERE a.waiting_since <= $1
           OR NOT ${createInFlight('a')}
        ORDER BY a.id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [waitedUpTo.toISOString(), limit],
    );
  }

  /** Outside a transaction, as connectionsWaiting: the release loop asks every 250 ms, and nearly always finds none. */
  async anyDeletionAwaiting(db: Db): Promise<boolean> {
    const [{ any }]: { any: boolean }[] = await db.query(
      `SELECT EXISTS (SELECT 1 FROM deletion_awaiting_create) AS any`,
    );
    return any;
  }

  async releaseDeletions(db: Db, ids: readonly string[]): Promise<void> {
    await db.query(`DELETE FROM deletion_awaiting_create WHERE id = ANY($1::bigint[])`, [ids]);
  }
}

/** A create of the row's connection on the row's side is queued, not landed (`row`: an alias with connection_id and side). */
const createInFlight = (row: string) =>
  `EXISTS (SELECT 1 FROM task_write w WHERE w.connection_id = ${row}.connection_id AND w.side = ${row}.side AND w.action->>'type' = 'create')`;
