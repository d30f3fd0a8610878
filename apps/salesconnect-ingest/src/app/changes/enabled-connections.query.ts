import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Reads the settings projection (@task-sync/data-access-connection-settings) this service keeps. */
@Injectable()
export class EnabledConnectionsQuery {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Sales Connect user id → the ids of that user's connections whose sync is on now (R7). */
  async byUser(userIds: string[]): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>();
    if (userIds.length === 0) return byUser;
    const rows: { connection_id: string; user_id: string }[] = await this.dataSource.query(
      `SELECT connection_id, user_id FROM connection_setting WHERE enabled AND user_id = ANY($1::text[]) ORDER BY connection_id`,
      [userIds],
    );
    for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row.connection_id]);
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
