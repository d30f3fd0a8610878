import { LATE_CHANGE_AFTER_DISABLE_MS } from '@task-sync/sync-rules';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Whose change it is: Sales Connect names the tenant and the user on every change. */
export interface ChangeOwner {
  tenantId: string;
  userId: string;
}

/** One key per tenant and user (JSON: a tenant id may hold any character). */
export const ownerKey = (owner: ChangeOwner): string => JSON.stringify([owner.tenantId, owner.userId]);

/** Reads the settings projection (@task-sync/data-access-connection-settings) this service keeps. */
@Injectable()
export class EnabledConnectionsQuery {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Includes connections disabled after `changedAt` (R7 exact: a change made before the disable still
   * crosses). A user id alone names no one: the same id in another tenant is another person.
   */
  async byOwner(owners: ChangeOwner[]): Promise<Map<string, { connectionId: string; disabledAt: number | null }[]>> {
    const byOwner = new Map<string, { connectionId: string; disabledAt: number | null }[]>();
    if (owners.length === 0) return byOwner;
    const rows: { connection_id: string; tenant_id: string; user_id: string; enabled: boolean; changed_at: Date }[] =
      await this.dataSource.query(
        `SELECT connection_id, tenant_id, user_id, enabled, changed_at FROM connection_setting
       WHERE (tenant_id, user_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND (enabled OR changed_at > now() - $3::int * interval '1 millisecond') ORDER BY connection_id`,
        [owners.map((o) => o.tenantId), owners.map((o) => o.userId), LATE_CHANGE_AFTER_DISABLE_MS],
      );
    for (const row of rows) {
      const target = { connectionId: row.connection_id, disabledAt: row.enabled ? null : row.changed_at.getTime() };
      const key = ownerKey({ tenantId: row.tenant_id, userId: row.user_id });
      byOwner.set(key, [...(byOwner.get(key) ?? []), target]);
    }
    return byOwner;
  }

  /** Every connection whose sync is on now. */
  async all(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(
      `SELECT connection_id FROM connection_setting WHERE enabled ORDER BY connection_id`,
    );
    return rows.map((r) => r.connection_id);
  }

  async isEnabled(connectionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM connection_setting WHERE enabled AND connection_id = $1`,
      [connectionId],
    );
    return rows.length > 0;
  }
}
