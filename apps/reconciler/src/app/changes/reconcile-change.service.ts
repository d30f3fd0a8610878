import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TaskLink } from '@task-sync/task-domain';
import { decideOnChange, type ConnectionSyncSettings, type SyncAction, type SyncChange } from '@task-sync/sync-rules';
import { SettingsLag } from '@task-sync/data-access-connection-settings';
import { APP_CONFIG, MetricsService } from '@task-sync/util-nest';
import { Counter } from 'prom-client';
import type { ReconcilerConfig } from '../reconciler.config';
import type { QueuedWrite } from '../links/task-link.entity';

interface LinkRow {
  id: string;
  salesconnect_task_id: string | null;
  sfdc_task_id: string | null;
  link: Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>;
}

/**
 * One change → the rules' decision → its effect, in the caller's transaction: links stored,
 * writes queued for the flusher, conflicts recorded. Nothing here calls either side: the writes
 * go out after the transaction (and the processed-message record) committed.
 */
/** How often the decisions of the last interval are summed up in one log line. */
const SUMMARY_INTERVAL_MS = 10_000;

@Injectable()
export class ReconcileChangeService implements OnModuleDestroy {
  private readonly logger = new Logger('reconcile');
  /** Decisions since the last summary line, by action (an import decides one per task: one line each would drown the log). */
  private recent = new Map<string, number>();
  private readonly summaryTimer = setInterval(() => this.logSummary(), SUMMARY_INTERVAL_MS).unref();
  private readonly decisions: Counter<'action' | 'side'>;
  private readonly conflicts: Counter<'field' | 'winner'>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(SettingsLag) private readonly settingsLag: SettingsLag,
    @Inject(MetricsService) metrics: MetricsService,
  ) {
    this.decisions = new Counter({
      name: 'tasksync_reconciler_decisions_total',
      help: 'Actions decided for changes, by action (create, update, …, or ignore:<reason>) and the side of the change.',
      labelNames: ['action', 'side'],
      registers: [metrics.registry],
    });
    // Where an operator sees conflicts at a glance; each one is also a row in sync_conflict and a log line.
    this.conflicts = new Counter({
      name: 'tasksync_reconciler_conflicts_total',
      help: 'Fields both sides changed since the last sync, by field and winning side.',
      labelNames: ['field', 'winner'],
      registers: [metrics.registry],
    });
  }

  /**
   * The ingests read only enabled connections, so a change for a connection this service does not
   * see enabled, or an import for an enable it has not applied, may only mean that its settings
   * consumer is behind. Such a change is parked (with every later change of that connection, so
   * their order holds) instead of blocking the partition, and decided once the setting is known.
   * Returns whether the change was parked.
   */
  async parkIfSettingUnknown(manager: EntityManager, connectionId: string, change: SyncChange): Promise<{ parked: true } | { parked: false; settings: ConnectionSyncSettings }> {
    const parked: { n: number }[] = await manager.query(`SELECT exists(SELECT 1 FROM parked_change WHERE connection_id = $1) AS n`, [connectionId]);
    if (!parked[0].n) {
      const settings = await this.loadSettings(manager, connectionId);
      if (this.isSettingKnown(settings, change)) return { parked: false, settings };
      // A disabled connection whose settings are up to date here is just disabled (R7): decide now.
      if (await this.settingsLag.isCaughtUp()) return { parked: false, settings };
    }
    await manager.query(`INSERT INTO parked_change (connection_id, change) VALUES ($1, $2)`, [connectionId, JSON.stringify(change)]);
    this.logger.log(`connection ${connectionId}: ${change.side} ${change.kind} of ${change.taskId} parked until its setting is known here`);
    return { parked: true };
  }

  /** Decides the parked changes of every connection whose setting is known now (or the settings consumer caught up), in order. */
  async releaseParked(): Promise<number> {
    const waiting: { connection_id: string }[] = await this.dataSource.query(`SELECT DISTINCT connection_id FROM parked_change`);
    if (waiting.length === 0) return 0;
    const caughtUp = await this.settingsLag.isCaughtUp();
    let released = 0;
    for (const { connection_id: connectionId } of waiting) {
      released += await this.dataSource.transaction(async (manager) => {
        const rows: { id: string; change: SyncChange }[] = await manager.query(`SELECT id::text, change FROM parked_change WHERE connection_id = $1 ORDER BY id FOR UPDATE SKIP LOCKED`, [
          connectionId,
        ]);
        if (rows.length === 0) return 0;
        if (!caughtUp && !this.isSettingKnown(await this.loadSettings(manager, connectionId), rows[0].change)) return 0;
        for (const row of rows) await this.apply(manager, connectionId, row.change);
        await manager.query(`DELETE FROM parked_change WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
        return rows.length;
      });
    }
    return released;
  }

  private isSettingKnown(settings: ConnectionSyncSettings, change: SyncChange): boolean {
    const latestEnable = [...settings.history].reverse().find((h) => h.kind !== 'disable');
    return change.enableAt ? !!latestEnable && Date.parse(latestEnable.at) >= Date.parse(change.enableAt) : settings.enabled;
  }

  /** `settings`: the connection's, when the caller has just read them in this transaction. */
  async apply(manager: EntityManager, connectionId: string, change: SyncChange, known?: ConnectionSyncSettings): Promise<SyncAction[]> {
    const settings = known ?? (await this.loadSettings(manager, connectionId));
    const row = await this.findLink(manager, connectionId, change);
    const link: TaskLink | null = row ? { ...row.link, salesConnectTaskId: row.salesconnect_task_id ?? '', sfdcTaskId: row.sfdc_task_id ?? '' } : null;
    const actions = decideOnChange({ connectionId, settings, link, ourOrigin: this.config.SYNC_CLIENT_NAME }, change);
    for (const action of actions) {
      await this.carryOut(manager, connectionId, row?.id ?? null, action);
      this.decisions.inc({ action: action.type === 'ignore' ? `ignore:${action.reason}` : action.type, side: change.side });
      if (action.type === 'conflict') this.conflicts.inc({ field: action.field, winner: action.winner.side });
    }
    const labels = actions.map(labelOf);
    // Each decision at debug (LOG_LEVEL=debug to follow one task); every ten seconds, their sum at info.
    this.logger.debug(`connection ${connectionId}: ${change.side} ${change.kind} of ${change.taskId} (${change.source}): ${labels.join(', ')}`);
    for (const label of labels) this.recent.set(label, (this.recent.get(label) ?? 0) + 1);
    return actions;
  }

  onModuleDestroy(): void {
    clearInterval(this.summaryTimer);
    this.logSummary();
  }

  private logSummary(): void {
    if (this.recent.size === 0) return;
    const decided = [...this.recent].sort((a, b) => b[1] - a[1]);
    this.recent = new Map();
    this.logger.log(`decisions in the last ${SUMMARY_INTERVAL_MS / 1000} s: ${decided.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }

  private async carryOut(manager: EntityManager, connectionId: string, linkId: string | null, action: SyncAction): Promise<void> {
    switch (action.type) {
      case 'create': {
        const { salesConnectTaskId, sfdcTaskId, ...rest } = action.link;
        // Another link already holds this task (a redelivery raced a restart): never a second pair.
        const inserted: { id: string }[] = await manager.query(
          `INSERT INTO task_link (connection_id, salesconnect_task_id, sfdc_task_id, link) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
          [connectionId, salesConnectTaskId, sfdcTaskId, JSON.stringify(rest)],
        );
        if (inserted.length === 0) return;
        await this.queue(manager, connectionId, inserted[0].id, action.side, { type: 'create', fields: action.fields });
        return;
      }
      case 'update':
        if (linkId) await this.queue(manager, connectionId, linkId, action.side, { type: 'update', fields: action.fields });
        return;
      case 'complete':
      case 'reopen':
      case 'delete':
        if (linkId) await this.queue(manager, connectionId, linkId, action.side, { type: action.type });
        return;
      case 'link': {
        // The ids live in their own columns (unique both ways); the rest is the link's state.
        const state: Partial<TaskLink> = { ...action.link };
        delete state.salesConnectTaskId;
        delete state.sfdcTaskId;
        if (linkId) await manager.query(`UPDATE task_link SET link = $2, updated_at = now() WHERE id = $1`, [linkId, JSON.stringify(state)]);
        return;
      }
      case 'unlink':
        // Kept (not deleted) so a queued write can still find the ids; no longer found by lookups.
        if (linkId) await manager.query(`UPDATE task_link SET unlinked_at = now(), updated_at = now() WHERE id = $1`, [linkId]);
        return;
      case 'conflict':
        await manager.query(
          `INSERT INTO sync_conflict (connection_id, salesconnect_task_id, sfdc_task_id, field, winner, loser)
           SELECT $1, salesconnect_task_id, sfdc_task_id, $3, $4, $5 FROM task_link WHERE id = $2`,
          [connectionId, linkId, action.field, JSON.stringify(action.winner), JSON.stringify(action.loser)],
        );
        this.logger.warn(`connection ${connectionId}: conflict on ${action.field}: ${action.winner.side} (${action.winner.changedAt}) wins over ${action.loser.side} (${action.loser.changedAt})`);
        return;
      case 'ignore':
        return;
    }
  }

  private async queue(manager: EntityManager, connectionId: string, linkId: string, side: 'salesconnect' | 'sfdc', write: QueuedWrite): Promise<void> {
    await manager.query(`INSERT INTO task_write (connection_id, link_id, side, action) VALUES ($1, $2, $3, $4)`, [connectionId, linkId, side, JSON.stringify(write)]);
  }

  /** By the changed task's id on its side; a Salesforce task we created also by its external id (the Sales Connect id). */
  private async findLink(manager: EntityManager, connectionId: string, change: SyncChange): Promise<LinkRow | null> {
    const column = change.side === 'sfdc' ? 'sfdc_task_id' : 'salesconnect_task_id';
    const rows: LinkRow[] = await manager.query(
      `SELECT id, salesconnect_task_id, sfdc_task_id, link FROM task_link WHERE connection_id = $1 AND ${column} = $2 AND unlinked_at IS NULL FOR UPDATE`,
      [connectionId, change.taskId],
    );
    if (rows[0]) return rows[0];
    if (change.side === 'sfdc' && change.externalId) {
      const byExternal: LinkRow[] = await manager.query(
        `SELECT id, salesconnect_task_id, sfdc_task_id, link FROM task_link WHERE connection_id = $1 AND salesconnect_task_id = $2 AND unlinked_at IS NULL FOR UPDATE`,
        [connectionId, change.externalId],
      );
      if (byExternal[0]) {
        // The create's answer may not have been stored yet: the change itself names the Salesforce id.
        if (!byExternal[0].sfdc_task_id) await manager.query(`UPDATE task_link SET sfdc_task_id = $2 WHERE id = $1`, [byExternal[0].id, change.taskId]);
        return { ...byExternal[0], sfdc_task_id: byExternal[0].sfdc_task_id ?? change.taskId };
      }
    }
    return null;
  }

  private async loadSettings(manager: EntityManager, connectionId: string): Promise<ConnectionSyncSettings> {
    const current: { enabled: boolean }[] = await manager.query(`SELECT enabled FROM connection_setting WHERE connection_id = $1`, [connectionId]);
    const history: { kind: 'first-enable' | 're-enable' | 'disable'; changed_at: Date }[] = await manager.query(
      `SELECT kind, changed_at FROM connection_setting_change WHERE connection_id = $1 ORDER BY changed_at`,
      [connectionId],
    );
    return { enabled: current[0]?.enabled ?? false, history: history.map((h) => ({ kind: h.kind, at: h.changed_at.toISOString() })) };
  }
}

/** An action as the logs name it: `create→sfdc`, `ignore(echo)`, `link`, … */
function labelOf(action: SyncAction): string {
  if (action.type === 'ignore') return `ignore(${action.reason})`;
  if (action.type === 'create' || action.type === 'update' || action.type === 'delete') return `${action.type}→${action.side}`;
  return action.type;
}
