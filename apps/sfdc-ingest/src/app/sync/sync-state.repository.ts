import type { DataSource, EntityManager } from 'typeorm';
import type { EnableKind, PollPosition, SfdcReadStage } from '@task-sync/sync-rules';
import type { SfdcSyncState } from './sync-state';

/** An enable the read loop has not served yet (the settings projection's newest enable of a connection). */
export interface PendingEnable {
  connectionId: string;
  kind: EnableKind;
  at: Date;
}

/** A connection leased for a step, and when it was disabled if it was (its final poll). */
export interface LeasedConnection {
  state: SfdcSyncState;
  disabledAt: number | null;
}

export interface LeaseQuery {
  now: Date;
  limit: number;
  leaseMs: number;
  /** An org whose org poll was told within this is read by it: its live connections are not leased here. */
  orgReadsStaleMs: number;
  lateChangeAfterDisableMs: number;
  pollLookbackMs: number;
}

/**
 * Enabled, or disabled in the last LATE_CHANGE_AFTER_DISABLE_MS ($5) while live and not yet polled
 * through the disable plus the look-back ($6): one final poll reads what the rep changed before the
 * disable (R7 exact: nothing made before it is lost; the rules drop what was made after).
 */
const FINAL_POLL_OR_ENABLED = `(c.enabled OR (s.stage = 'live' AND c.changed_at > $1::timestamptz - $5::int * interval '1 millisecond'
  AND (s.polled_through IS NULL OR s.polled_through < c.changed_at + $6::int * interval '1 millisecond')))`;

/** Each field's column: the one place the row's names are spelled, for the SELECT and UPDATE below. */
const COLUMNS: { readonly [K in keyof SfdcSyncState]-?: string } = {
  connectionId: 'connection_id',
  enableAt: 'enable_at',
  enableKind: 'enable_kind',
  stage: 'stage',
  importAfterStamp: 'import_after_stamp',
  importAfterId: 'import_after_id',
  importFound: 'import_found',
  importImported: 'import_imported',
  importFailed: 'import_failed',
  changesWatermark: 'changes_watermark',
  pollFrom: 'poll_from',
  pollAfterStamp: 'poll_after_stamp',
  pollAfterId: 'poll_after_id',
  deletesWatermark: 'deletes_watermark',
  auditedAt: 'audited_at',
  nextRunAt: 'next_run_at',
  idlePolls: 'idle_polls',
  pausedReason: 'paused_reason',
  polledThrough: 'polled_through',
  leaseUntil: 'lease_until',
};

/** The row as an SfdcSyncState, from the table aliased `alias`. */
const selectState = (alias: string): string =>
  Object.entries(COLUMNS)
    .map(([field, column]) => `${alias}.${column} AS "${field}"`)
    .join(', ');

export class SfdcSyncStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The enables not served yet: first enables and re-enables whose time differs from the one being served. */
  async pendingEnables(): Promise<PendingEnable[]> {
    const rows: { connection_id: string; kind: EnableKind; changed_at: Date }[] = await this.dataSource.query(`
      SELECT c.connection_id, e.kind, e.changed_at
      FROM connection_setting c
      JOIN LATERAL (
        SELECT h.kind, h.changed_at FROM connection_setting_change h
        WHERE h.connection_id = c.connection_id AND h.kind <> 'disable'
        ORDER BY h.changed_at DESC LIMIT 1
      ) e ON true
      LEFT JOIN sfdc_sync_state s ON s.connection_id = c.connection_id
      WHERE c.enabled AND (s.connection_id IS NULL OR s.enable_at <> e.changed_at)`);
    return rows.map((r) => ({ connectionId: r.connection_id, kind: r.kind, at: r.changed_at }));
  }

  /** An enable starts its import from scratch; the watermarks start at the enable (R7: nothing from the disabled time is replayed). */
  async startEnable(enable: PendingEnable, deletesWatermark: Date, now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sfdc_sync_state AS s (connection_id, enable_at, enable_kind, stage, changes_watermark, deletes_watermark, next_run_at)
       VALUES ($1, $2, $3, 'import', $2, $4, $5)
       ON CONFLICT (connection_id) DO UPDATE SET
         enable_at = EXCLUDED.enable_at, enable_kind = EXCLUDED.enable_kind, stage = 'import',
         import_after_stamp = NULL, import_after_id = NULL, import_found = NULL, import_imported = 0, import_failed = 0,
         changes_watermark = EXCLUDED.changes_watermark, poll_from = NULL, poll_after_stamp = NULL, poll_after_id = NULL,
         deletes_watermark = EXCLUDED.deletes_watermark, audited_at = NULL, idle_polls = 0,
         next_run_at = EXCLUDED.next_run_at, paused_reason = NULL, polled_through = NULL`,
      [enable.connectionId, enable.at, enable.kind, deletesWatermark, now],
    );
  }

  /** A live connection of an org read once is the org poll's: only its import and re-enable deletes run here. */
  async leaseDue(q: LeaseQuery): Promise<LeasedConnection[]> {
    const rows: (SfdcSyncState & { disabledAt: Date | null })[] = await this.dataSource.query(
      // As a CTE, so the driver answers rows (a bare UPDATE … RETURNING answers [rows, count]).
      `WITH leased AS (
         UPDATE sfdc_sync_state SET lease_until = $3
         WHERE connection_id IN (
           SELECT s.connection_id FROM sfdc_sync_state s JOIN connection_setting c ON c.connection_id = s.connection_id
           WHERE ${FINAL_POLL_OR_ENABLED} AND s.next_run_at <= $1 AND (s.lease_until IS NULL OR s.lease_until < $1)
             AND NOT (s.stage = 'live' AND EXISTS (
               SELECT 1 FROM sfdc_org_poll p WHERE p.org_id = c.sfdc_org_id AND p.reads = 'org' AND p.checked_at >= $1::timestamptz - $4::int * interval '1 millisecond'))
           ORDER BY s.next_run_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED)
         RETURNING *)
       SELECT ${selectState('l')}, CASE WHEN c.enabled THEN NULL ELSE c.changed_at END AS "disabledAt"
         FROM leased l JOIN connection_setting c ON c.connection_id = l.connection_id`,
      [
        q.now,
        q.limit,
        new Date(q.now.getTime() + q.leaseMs),
        q.orgReadsStaleMs,
        q.lateChangeAfterDisableMs,
        q.pollLookbackMs,
      ],
    );
    return rows.map(({ disabledAt, ...state }) => ({ state, disabledAt: disabledAt?.getTime() ?? null }));
  }

  /** A long step keeps its lease (only while it still holds one). */
  async renewLease(connectionId: string, until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE sfdc_sync_state SET lease_until = $2 WHERE connection_id = $1 AND lease_until IS NOT NULL`,
      [connectionId, until],
    );
  }

  /** A step ended: when the next runs, why the connection is paused (or null), and the idle polls so far; the lease goes. */
  async scheduleNext(
    connectionId: string,
    next: { runAt: Date; pausedReason: string | null; idlePolls: number },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE sfdc_sync_state SET next_run_at = $2, paused_reason = $3, idle_polls = $4, lease_until = NULL WHERE connection_id = $1`,
      [connectionId, next.runAt, next.pausedReason, next.idlePolls],
    );
  }

  /** R2: how many tasks the import will read (the first page's count). */
  recordImportCount(state: SfdcSyncState, found: number): Promise<void> {
    return this.save(state, { importFound: found });
  }

  /** R2: one import page published: its keyset, the counts, and the next stage when it was the last. */
  recordImportPage(
    manager: EntityManager,
    state: SfdcSyncState,
    page: { after: { stamp: Date; id: string } | null; imported: number; failed: number; stage: SfdcReadStage },
  ): Promise<void> {
    return this.save(
      state,
      {
        importAfterStamp: page.after ? page.after.stamp : state.importAfterStamp,
        importAfterId: page.after ? page.after.id : state.importAfterId,
        importImported: page.imported,
        importFailed: page.failed,
        stage: page.stage,
      },
      manager,
    );
  }

  /** R5: the re-enable's deletes are published; live reads follow. */
  finishReenableDeletes(state: SfdcSyncState): Promise<void> {
    return this.save(state, { stage: 'live' });
  }

  /** R6: a poll page published: the watermark, and the poll in progress or its end. */
  advancePoll(manager: EntityManager, state: SfdcSyncState, position: PollPosition): Promise<void> {
    return this.save(
      state,
      {
        changesWatermark: new Date(position.changesWatermark),
        pollFrom: position.pollFrom === null ? null : new Date(position.pollFrom),
        pollAfterStamp: position.after ? new Date(position.after.stamp) : null,
        pollAfterId: position.after ? position.after.id : null,
        ...(position.polledThrough === undefined ? {} : { polledThrough: new Date(position.polledThrough) }),
      },
      manager,
    );
  }

  /** getDeleted ran: where the next one starts (its `latestDateCovered`) and when it ran. */
  recordDeleteAudit(manager: EntityManager, state: SfdcSyncState, deletesWatermark: Date, at: Date): Promise<void> {
    return this.save(state, { deletesWatermark, auditedAt: at }, manager);
  }

  /** Saves the changes, and puts them on the step's state. */
  private async save(state: SfdcSyncState, changes: Partial<SfdcSyncState>, manager?: EntityManager): Promise<void> {
    const fields = (Object.keys(changes) as (keyof SfdcSyncState)[]).filter((f) => changes[f] !== undefined);
    await (manager ?? this.dataSource).query(
      `UPDATE sfdc_sync_state SET ${fields.map((f, i) => `${COLUMNS[f]} = $${i + 2}`).join(', ')} WHERE connection_id = $1`,
      [state.connectionId, ...fields.map((f) => changes[f])],
    );
    Object.assign(state, changes);
  }
}
