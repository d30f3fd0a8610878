import type { OrgStreamState } from '@task-sync/contracts';
import { LATE_CHANGE_AFTER_DISABLE_MS } from '@task-sync/sync-rules';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrgConnection } from './route-org-changes';

export interface HeldOrgStream {
  orgId: string;
  replayId: number | null;
  state: OrgStreamState;
  stateReason: string | null;
  retryAt: Date | null;
}

interface OrgStreamRow {
  org_id: string;
  replay_id: string | null;
  state: OrgStreamState;
  state_reason: string | null;
  retry_at: Date | null;
}

const toHeld = (row: OrgStreamRow): HeldOrgStream => ({
  orgId: row.org_id,
  replayId: row.replay_id === null ? null : Number(row.replay_id),
  state: row.state,
  stateReason: row.state_reason,
  retryAt: row.retry_at,
});

/** A connection of the org as the settings projection holds it. */
export interface OrgConnectionRow {
  connection_id: string;
  sfdc_user_id: string;
  enabled_since: Date | null;
  enabled: boolean;
  changed_at: Date;
}

export function toOrgConnection(r: OrgConnectionRow): OrgConnection {
  return {
    connectionId: r.connection_id,
    sfdcUserId: r.sfdc_user_id,
    enabledSince: r.enabled_since?.getTime() ?? null,
    disabledAt: r.enabled ? null : r.changed_at.getTime(),
  };
}

/**
 * Lease times are the database's clock (`now()`), so replicas' clocks never disagree. Every change but
 * acquiring is fenced by the holder: a replica that lost its lease changes nothing.
 */
export class OrgStreamRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** With one disabled in the last minutes too: a change made before its disable may still come. */
  async orgsWithEnabledConnections(): Promise<string[]> {
    const rows: { org_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT sfdc_org_id AS org_id FROM connection_setting
       WHERE (enabled OR changed_at > now() - $1::int * interval '1 millisecond') AND sfdc_org_id IS NOT NULL ORDER BY 1`,
      [LATE_CHANGE_AFTER_DISABLE_MS],
    );
    return rows.map((r) => r.org_id);
  }

  /**
   * The org's enabled connections, their Salesforce users (ids compared in their 15-character form),
   * and their latest enable; with those disabled in the last minutes, and when (R7 exact).
   */
  async enabledConnectionsOf(orgId: string): Promise<OrgConnection[]> {
    const rows: OrgConnectionRow[] = await this.dataSource.query(
      `SELECT c.connection_id, c.sfdc_user_id, e.changed_at AS enabled_since, c.enabled, c.changed_at
       FROM connection_setting c
       LEFT JOIN LATERAL (
         SELECT h.changed_at FROM connection_setting_change h
         WHERE h.connection_id = c.connection_id AND h.kind <> 'disable' ORDER BY h.changed_at DESC LIMIT 1
       ) e ON true
       WHERE (c.enabled OR c.changed_at > now() - $2::int * interval '1 millisecond')
         AND left(c.sfdc_org_id, 15) = left($1, 15) AND c.sfdc_user_id IS NOT NULL ORDER BY c.connection_id`,
      [orgId, LATE_CHANGE_AFTER_DISABLE_MS],
    );
    return rows.map(toOrgConnection);
  }

  /** Null: another replica holds it. */
  async acquireLease(orgId: string, holder: string, leaseMs: number): Promise<HeldOrgStream | null> {
    const rows: OrgStreamRow[] = await this.dataSource.query(
      `INSERT INTO sfdc_org_stream AS s (org_id, lease_holder, lease_until, updated_at)
       VALUES ($1, $2, now() + $3::int * interval '1 millisecond', now())
       ON CONFLICT (org_id) DO UPDATE SET lease_holder = EXCLUDED.lease_holder, lease_until = EXCLUDED.lease_until, updated_at = now()
       WHERE s.lease_holder IS NULL OR s.lease_until < now() OR s.lease_holder = EXCLUDED.lease_holder
       RETURNING org_id, replay_id, state, state_reason, retry_at`,
      [orgId, holder, leaseMs],
    );
    return rows[0] ? toHeld(rows[0]) : null;
  }

  /** Extends this replica's leases; answers the orgs it still holds (the others were taken over). */
  async renewLeases(holder: string, orgIds: readonly string[], leaseMs: number): Promise<Set<string>> {
    if (orgIds.length === 0) return new Set();
    const rows: { org_id: string }[] = await this.dataSource.query(
      `WITH renewed AS (
         UPDATE sfdc_org_stream SET lease_until = now() + $3::int * interval '1 millisecond', updated_at = now()
         WHERE lease_holder = $1 AND org_id = ANY($2) RETURNING org_id)
       SELECT org_id FROM renewed`,
      [holder, orgIds, leaseMs],
    );
    return new Set(rows.map((r) => r.org_id));
  }

  /** On SIGTERM, so another replica takes the org at once. A down stream stays down until its retry time. */
  releaseLease(orgId: string, holder: string, reason: string): Promise<boolean> {
    return this.updateHeld(
      orgId,
      holder,
      `lease_holder = NULL, lease_until = NULL,
       state = CASE WHEN state = 'down' THEN state ELSE 'stopped' END,
       state_reason = CASE WHEN state = 'down' THEN state_reason ELSE $3 END,
       retry_at = CASE WHEN state = 'down' THEN retry_at END`,
      [reason],
    );
  }

  /** No stream is wanted any more (no enabled connection, no connected reader): stopped, and the lease let go. */
  markStopped(orgId: string, holder: string, reason: string): Promise<boolean> {
    return this.updateHeld(
      orgId,
      holder,
      `lease_holder = NULL, lease_until = NULL, state = 'stopped', state_reason = $3, retry_at = NULL`,
      [reason],
    );
  }

  markStreaming(orgId: string, holder: string, reason: string): Promise<boolean> {
    return this.updateHeld(orgId, holder, `state = 'streaming', state_reason = $3, retry_at = NULL`, [reason]);
  }

  /** A passing failure: subscribing again from the stored replay id at `retryAt`. */
  markRetrying(orgId: string, holder: string, reason: string, retryAt: Date): Promise<boolean> {
    return this.updateHeld(orgId, holder, `state = 'retrying', state_reason = $3, retry_at = $4`, [reason, retryAt]);
  }

  /** Salesforce refuses the stream for now (permission, CDC off, a limit, the reader's grant): tried again at `retryAt`. */
  markDown(orgId: string, holder: string, reason: string, retryAt: Date): Promise<boolean> {
    return this.updateHeld(orgId, holder, `state = 'down', state_reason = $3, retry_at = $4`, [reason, retryAt]);
  }

  /** The stored replay id left Salesforce's retention: forgotten, so the next subscription takes new events only. */
  markReplayLost(orgId: string, holder: string, reason: string): Promise<boolean> {
    return this.updateHeld(orgId, holder, `replay_id = NULL, state = 'retrying', state_reason = $3, retry_at = now()`, [
      reason,
    ]);
  }

  /** An event that does not decode: the stream resumes after it (the org poll reads its records). */
  markReplaySkipped(orgId: string, holder: string, replayId: number, reason: string): Promise<boolean> {
    return this.updateHeld(orgId, holder, `replay_id = $3, state = 'retrying', state_reason = $4, retry_at = now()`, [
      replayId,
      reason,
    ]);
  }

  /**
   * After Kafka acknowledged a batch: the stream resumes after `replayId` from now on. In the
   * caller's transaction, with what was published; false when this replica no longer holds the org.
   */
  advanceReplay(
    manager: EntityManager,
    orgId: string,
    holder: string,
    replayId: number,
    lastEventAt: Date | null,
  ): Promise<boolean> {
    return this.updateHeld(
      orgId,
      holder,
      `replay_id = $3, last_event_at = COALESCE($4, last_event_at)`,
      [replayId, lastEventAt],
      manager,
    );
  }

  async find(orgId: string): Promise<HeldOrgStream | null> {
    const rows: OrgStreamRow[] = await this.dataSource.query(
      `SELECT org_id, replay_id, state, state_reason, retry_at FROM sfdc_org_stream WHERE org_id = $1`,
      [orgId],
    );
    return rows[0] ? toHeld(rows[0]) : null;
  }

  /** One fenced change: applied only while `holder` holds the org's lease. */
  private async updateHeld(
    orgId: string,
    holder: string,
    set: string,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<boolean> {
    // As a CTE, so the driver answers rows (a bare UPDATE … RETURNING answers [rows, count]).
    const rows: unknown[] = await (manager ?? this.dataSource.manager).query(
      `WITH changed AS (UPDATE sfdc_org_stream SET ${set}, updated_at = now() WHERE org_id = $1 AND lease_holder = $2 RETURNING org_id)
       SELECT org_id FROM changed`,
      [orgId, holder, ...values],
    );
    return rows.length > 0;
  }
}
