import { LATE_CHANGE_AFTER_DISABLE_MS } from '@task-sync/sync-rules';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Reads the settings projection (@task-sync/data-access-connection-settings) this service keeps. */
@Injectable()
export class EnabledConnectionsQuery {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Sales Connect user id → that user's connections a change made at `changedAt` goes to: those whose
   * sync is on now, and those disabled after it was made (R7 exact: a change made before the disable
   * still crosses; the reconciler judges each by the connection's history).
   */
  async byUser(userIds: string[]): Promise<Map<string, { connectionId: string; disabledAt: number | null }[]>> {
    const byUser = new Map<string, { connectionId: string; disabledAt: number | null }[]>();
    if (userIds.length === 0) return byUser;
    const rows: { connection_id: string; user_id: string; enabled: boolean; changed_at: Date }[] = await this.dataSource.query(
      `SELECT connection_id, user_id, enabled, changed_at FROM connection_setting
       WHERE user_id = ANY($1::text[]) AND (enabled OR changed_at > now() - $2::int * interval '1 millisecond') ORDER BY connection_id`,
      [userIds, LATE_CHANGE_AFTER_DISABLE_MS],
    );
    for (const row of rows) {
      const target = { connectionId: row.connection_id, disabledAt: row.enabled ? null : row.changed_at.getTime() };
      byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), target]);
    }
    return byUser;
  }

  /** Every connection whose sync is on now. */
  async all(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(`SELECT connection_id FROM connection_setting WHERE enabled ORDER BY connection_id`);
    return rows.map((r) => r.connection_id);
  }

  async isEnabled(connectionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM connection_setting WHERE enabled AND connection_id = $1`, [connectionId]);
    return rows.length > 0;
  }
}
