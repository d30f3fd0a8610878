import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A disabled connection that synced before, and the disable it is disabled since. */
export interface DisabledConnection {
  connectionId: string;
  disabledAt: Date;
}

/** What the R5 watchdog reads of the connections and their setting history (task_sync_change). */
@Injectable()
export class DeleteWindowRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async listDisabledSynced(connectionIds?: readonly string[]): Promise<DisabledConnection[]> {
    const rows: { id: string; disabled_at: Date | null }[] = await this.dataSource.query(
      `SELECT c.id, (SELECT max(h.changed_at) FROM task_sync_change h WHERE h.connection_id = c.id AND h.kind = 'disable') AS disabled_at
         FROM connection c
        WHERE NOT c.task_sync_enabled AND c.first_enabled_at IS NOT NULL AND ($1::uuid[] IS NULL OR c.id = ANY($1::uuid[]))
        ORDER BY c.id`,
      [connectionIds ? [...connectionIds] : null],
    );
    return rows
      .filter((r) => r.disabled_at !== null)
      .map((r) => ({ connectionId: r.id, disabledAt: r.disabled_at as Date }));
  }
}
