import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConnectionReadiness } from '@task-sync/sync-rules';
import type { PaginationQuery } from '../http/pagination';

/** One rep's connection as the admin view reads it, in one query with its status, preflight, problems and latest disable. */
export interface RepRow {
  connectionId: string;
  userId: string;
  sfdcUsername: string;
  taskSyncEnabled: boolean;
  firstEnabledAt: Date | null;
  reportedState: string | null;
  preflightState: ConnectionReadiness | null;
  lastSyncAt: Date | null;
  openProblems: number;
  disabledAt: Date | null;
}

@Injectable()
export class AdminRepsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async pageOfOrg(tenantId: string, orgId: string, page: PaginationQuery): Promise<{ rows: RepRow[]; total: number }> {
    const rows: {
      id: string;
      user_id: string;
      sfdc_username: string;
      task_sync_enabled: boolean;
      first_enabled_at: Date | null;
      state: string | null;
      preflight_state: ConnectionReadiness | null;
      last_synced_at: Date | null;
      open_problems: number;
      disabled_at: Date | null;
      total: number;
    }[] = await this.dataSource.query(
      `SELECT c.id, c.user_id, c.sfdc_username, c.task_sync_enabled, c.first_enabled_at, s.state, p.state AS preflight_state, s.last_synced_at,
              (SELECT count(*) FROM failed_task f WHERE f.connection_id = c.id AND f.ignored_at IS NULL)::int AS open_problems,
              (SELECT max(h.changed_at) FROM task_sync_change h WHERE h.connection_id = c.id AND h.kind = 'disable') AS disabled_at,
              count(*) OVER ()::int AS total
         FROM connection c
         LEFT JOIN connection_status s ON s.connection_id = c.id
         LEFT JOIN connection_preflight p ON p.connection_id = c.id
        WHERE c.tenant_id = $1 AND c.sfdc_org_id = $2
        ORDER BY c.sfdc_username, c.id
        OFFSET $3 LIMIT $4`,
      [tenantId, orgId, page.offset, page.limit],
    );
    // A page past the end has no rows to carry the total.
    const total = rows[0]?.total ?? (page.offset > 0 ? await this.countOfOrg(tenantId, orgId) : 0);
    return {
      total,
      rows: rows.map((r) => ({
        connectionId: r.id,
        userId: r.user_id,
        sfdcUsername: r.sfdc_username,
        taskSyncEnabled: r.task_sync_enabled,
        firstEnabledAt: r.first_enabled_at,
        reportedState: r.state,
        preflightState: r.preflight_state,
        lastSyncAt: r.last_synced_at,
        openProblems: r.open_problems,
        disabledAt: r.disabled_at,
      })),
    };
  }

  private async countOfOrg(tenantId: string, orgId: string): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM connection WHERE tenant_id = $1 AND sfdc_org_id = $2`,
      [tenantId, orgId],
    );
    return row.n;
  }
}
