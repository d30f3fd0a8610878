import { type KeysetPosition } from '@task-sync/sfdc-client';
import { LATE_CHANGE_AFTER_DISABLE_MS } from '@task-sync/sync-rules';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrgConnection } from '../stream/route-org-changes';
import { toOrgConnection, type OrgConnectionRow } from '../stream/org-stream.repository';
import type { OrgReads } from './read-plan';

/** An org whose safety-net poll this replica leased, with where a poll in progress stands. */
export interface LeasedOrgPoll {
  orgId: string;
  /** The lower bound of the poll in progress (ms), and its keyset; null between polls. */
  pollFrom: number | null;
  after: KeysetPosition | null;
  auditedAt: number | null;
  pausedReason: string | null;
}

/** A live connection of the org: what the org poll reads for, with its watermarks. */
export interface OrgPollTarget extends OrgConnection {
  changesWatermark: number;
  deletesWatermark: number;
}

/** A verdict not told again within this long counts for nothing (replicas tell theirs every 15 s). */
export const ORG_READS_STALE_MS = 120_000;

interface LeasedRow {
  org_id: string;
  poll_from: Date | null;
  poll_after_stamp: Date | null;
  poll_after_id: string | null;
  audited_at: Date | null;
  paused_reason: string | null;
}

/** A verdict not told again within `staleMs` counts for nothing, so per-rep polls resume if no replica can ask. */
export class OrgPollRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly staleMs = ORG_READS_STALE_MS,
  ) {}

  /**
   * An org turning to org reads is polled at once, so the poll takes over where the per-rep polls
   * stood. Answers how it was read before (null: new).
   */
  async recordReads(orgId: string, reads: OrgReads, reason: string): Promise<OrgReads | null> {
    const rows: { before: OrgReads | null }[] = await this.dataSource.query(
      `WITH before AS (SELECT reads FROM sfdc_org_poll WHERE org_id = $1),
       saved AS (
         INSERT INTO sfdc_org_poll AS p (org_id, reads, reads_reason, checked_at, next_run_at) VALUES ($1, $2, $3, now(), now())
         ON CONFLICT (org_id) DO UPDATE SET reads = EXCLUDED.reads, reads_reason = EXCLUDED.reads_reason, checked_at = now(),
           next_run_at = CASE WHEN p.reads <> EXCLUDED.reads OR p.checked_at < now() - $4::int * interval '1 millisecond' THEN now() ELSE p.next_run_at END
         RETURNING org_id)
       SELECT (SELECT reads FROM before) AS before FROM saved`,
      [orgId, reads, reason, this.staleMs],
    );
    return rows[0]?.before ?? null;
  }

  /** Leases the org polls that are due (orgs read once, with a live connection), oldest due first. */
  async leaseDue(limit: number, leaseMs: number): Promise<LeasedOrgPoll[]> {
    const rows: LeasedRow[] = await this.dataSource.query(
      `WITH leased AS (
         UPDATE sfdc_org_poll SET lease_until = now() + $2::int * interval '1 millisecond'
         WHERE org_id IN (
           SELECT p.org_id FROM sfdc_org_poll p
           WHERE p.reads = 'org' AND p.checked_at >= now() - $3::int * interval '1 millisecond'
             AND p.next_run_at <= now() AND (p.lease_until IS NULL OR p.lease_until < now())
           ORDER BY p.next_run_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING org_id, poll_from, poll_after_stamp, poll_after_id, audited_at, paused_reason)
       SELECT * FROM leased`,
      [limit, leaseMs, this.staleMs],
    );
    return rows.map((r) => ({
      orgId: r.org_id,
      pollFrom: r.poll_from?.getTime() ?? null,
      after:
        r.poll_after_stamp && r.poll_after_id ? { stamp: r.poll_after_stamp.getTime(), id: r.poll_after_id } : null,
      auditedAt: r.audited_at?.getTime() ?? null,
      pausedReason: r.paused_reason,
    }));
  }

  /**
   * Live connections only: one still importing reads on its own. One disabled in the last minutes is
   * read until the poll passed its disable, for what was changed before it (R7 exact).
   */
  async targetsOf(orgId: string): Promise<OrgPollTarget[]> {
    const rows: (OrgConnectionRow & { changes_watermark: Date; deletes_watermark: Date })[] =
      await this.dataSource.query(
        `SELECT c.connection_id, c.sfdc_user_id, s.enable_at AS enabled_since, s.changes_watermark, s.deletes_watermark, c.enabled, c.changed_at
         FROM connection_setting c JOIN sfdc_sync_state s ON s.connection_id = c.connection_id
         WHERE c.sfdc_org_id = $1 AND c.sfdc_user_id IS NOT NULL AND s.stage = 'live'
           AND (c.enabled OR (c.changed_at > now() - $2::int * interval '1 millisecond' AND s.changes_watermark < c.changed_at))
         ORDER BY c.connection_id`,
        [orgId, LATE_CHANGE_AFTER_DISABLE_MS],
      );
    return rows.map((r) => ({
      ...toOrgConnection(r),
      changesWatermark: r.changes_watermark.getTime(),
      deletesWatermark: r.deletes_watermark.getTime(),
    }));
  }

  /** Watermarks never move back; `next` null: the poll read to the end and the next one starts afresh. */
  async recordPage(
    manager: EntityManager,
    orgId: string,
    covered: readonly string[],
    newest: number | null,
    next: { from: number; after: KeysetPosition } | null,
  ): Promise<void> {
    if (newest !== null && covered.length > 0) {
      await manager.query(
        `UPDATE sfdc_sync_state SET changes_watermark = GREATEST(changes_watermark, $2) WHERE connection_id = ANY($1)`,
        [covered, new Date(newest)],
      );
    }
    if (next) {
      await manager.query(
        `UPDATE sfdc_org_poll SET poll_from = $2, poll_after_stamp = $3, poll_after_id = $4 WHERE org_id = $1`,
        [orgId, new Date(next.from), new Date(next.after.stamp), next.after.id],
      );
    } else {
      await manager.query(
        `UPDATE sfdc_org_poll SET poll_from = NULL, poll_after_stamp = NULL, poll_after_id = NULL, last_polled_at = now() WHERE org_id = $1`,
        [orgId],
      );
    }
  }

  /** getDeleted ran for the org: these connections' delete watermark moves to what it covered. */
  async markAudited(
    manager: EntityManager,
    orgId: string,
    connectionIds: readonly string[],
    covered: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE sfdc_sync_state SET deletes_watermark = GREATEST(deletes_watermark, $2) WHERE connection_id = ANY($1)`,
      [connectionIds, new Date(covered)],
    );
    await manager.query(`UPDATE sfdc_org_poll SET audited_at = now() WHERE org_id = $1`, [orgId]);
  }

  /** The step is over: the lease is let go, with the next run's time and why it is paused (or null). */
  /** The org poll step running here keeps its lease (released ones stay released). */
  async renewLease(orgId: string, leaseMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE sfdc_org_poll SET lease_until = now() + $2::int * interval '1 millisecond' WHERE org_id = $1 AND lease_until IS NOT NULL`,
      [orgId, leaseMs],
    );
  }

  async release(orgId: string, nextRunAt: number, pausedReason: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE sfdc_org_poll SET lease_until = NULL, next_run_at = $2, paused_reason = $3 WHERE org_id = $1`,
      [orgId, new Date(nextRunAt), pausedReason],
    );
  }

  /** Something the stream cannot cover happened (it went down, an overflow, a lost replay id): poll within `withinMs`. */
  async pollWithin(orgId: string, withinMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE sfdc_org_poll SET next_run_at = LEAST(next_run_at, now() + $2::int * interval '1 millisecond') WHERE org_id = $1 AND paused_reason IS NULL`,
      [orgId, withinMs],
    );
  }

  /** Whether the org's stream is subscribed and its holder alive: the org poll is then only the safety net. */
  async streamHealthy(orgId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM sfdc_org_stream WHERE org_id = $1 AND state = 'streaming' AND lease_until > now()`,
      [orgId],
    );
    return rows.length > 0;
  }
}
