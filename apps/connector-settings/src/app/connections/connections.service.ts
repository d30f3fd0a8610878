import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { enqueueOutbox } from '@task-sync/data-access-messaging';
import type { Principal } from '../auth/principal';
import { toReaderState } from '../org-reader/org-reader';
import { OrgReaderRepository } from '../org-reader/org-reader.repository';
import type { ConnectionStatusView, ConnectionView, ReadMode, TaskSyncView } from '@task-sync/contracts/http';
import { decideReadMode } from '../org-reader/read-mode';
import { OrgApiAllocationService } from '../api-allocation/org-api-allocation.service';
import { ConnectionPreflightRepository } from '../connection-preflight/connection-preflight.repository';
import { toSetupView } from '../connection-preflight/connection-preflight.view';
import { DeleteWindowRepository } from '../delete-window/delete-window.repository';
import { deleteWindowOf } from '../delete-window/delete-window.view';
import { ConnectionEntity } from './connection.entity';
import { toConnectionView, toTaskSyncView } from './connection.view';
import { findConnectionStatus, listRecentConnectionErrors } from '../status/connection-status';
import { toStatusView } from '../status/connection-status.view';
import { buildSettingChangedEntry } from './setting-changed.outbox';
import { stampSettingChange } from './settings-clock';
import { recordTaskSyncChange } from './task-sync-change';
import { decideSettingChange, SettingChangeKind } from './task-sync-setting';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ConnectionsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(OrgApiAllocationService) private readonly allocations: OrgApiAllocationService,
    @Inject(ConnectionPreflightRepository) private readonly preflights: ConnectionPreflightRepository,
    @Inject(DeleteWindowRepository) private readonly deleteWindows: DeleteWindowRepository,
  ) {}

  async list(principal: Principal): Promise<ConnectionView[]> {
    const rows = await this.dataSource
      .getRepository(ConnectionEntity)
      .find({ where: { tenantId: principal.tenantId, userId: principal.userId }, order: { createdAt: 'ASC' } });
    const readers = await this.readers.findForOrgs([...new Set(rows.map((c) => c.sfdcOrgId))]);
    return rows.map((c) => toConnectionView(c, decideReadMode(toReaderState(readers.get(c.sfdcOrgId) ?? null))));
  }

  async get(principal: Principal, id: string): Promise<ConnectionView> {
    const connection = await this.getOwned(principal, id);
    return toConnectionView(connection, await this.readModeOf(connection));
  }

  async getStatus(principal: Principal, id: string): Promise<ConnectionStatusView> {
    const connection = await this.getOwned(principal, id);
    const status = await findConnectionStatus(this.dataSource, connection.id);
    const errors = await listRecentConnectionErrors(this.dataSource, connection.id, 10);
    const setup = toSetupView(await this.preflights.find(connection.id));
    const [disabled] = await this.deleteWindows.listDisabledSynced([connection.id]);
    return toStatusView(
      status,
      errors,
      await this.readModeOf(connection),
      await this.allocations.usageOf(connection.sfdcOrgId),
      setup,
      deleteWindowOf(connection, disabled?.disabledAt),
    );
  }

  private async readModeOf(connection: ConnectionEntity): Promise<ReadMode> {
    return decideReadMode(toReaderState(await this.readers.findByOrg(connection.sfdcOrgId)));
  }

  /**
   * R1: saving the setting takes effect at once. The change, its history row and its event are
   * committed together; the outbox relay publishes the event, so a crash loses nothing.
   */
  async saveTaskSync(
    principal: Principal,
    id: string,
    enabled: boolean,
  ): Promise<TaskSyncView & { change: SettingChangeKind | null }> {
    return this.dataSource.transaction(async (manager) => {
      const connection = await this.findOwned(manager, principal, id, true);
      const kind = decideSettingChange(
        { enabled: connection.taskSyncEnabled, firstEnabledAt: connection.firstEnabledAt },
        enabled,
      );
      if (kind === null) return { ...toTaskSyncView(connection), change: null };
      const now = await stampSettingChange(manager);
      connection.taskSyncEnabled = enabled;
      if (kind === 'first-enable') connection.firstEnabledAt = now;
      await manager.getRepository(ConnectionEntity).save(connection);
      const eventId = randomUUID();
      await recordTaskSyncChange(manager, { eventId, connectionId: connection.id, kind, changedAt: now });
      await enqueueOutbox(manager, [buildSettingChangedEntry(connection, kind, eventId, now)]);
      return { ...toTaskSyncView(connection), change: kind };
    });
  }

  getOwned(principal: Principal, id: string): Promise<ConnectionEntity> {
    return this.findOwned(this.dataSource.manager, principal, id);
  }

  /** Another user's connection, or an id that is not one, answers 404 alike: nothing leaks. */
  private async findOwned(
    manager: EntityManager,
    principal: Principal,
    id: string,
    lock = false,
  ): Promise<ConnectionEntity> {
    if (!UUID.test(id)) throw new NotFoundException({ error: 'NOT_FOUND', message: 'no such connection' });
    const found = await manager.getRepository(ConnectionEntity).findOne({
      where: { id, tenantId: principal.tenantId, userId: principal.userId },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!found) throw new NotFoundException({ error: 'NOT_FOUND', message: 'no such connection' });
    return found;
  }
}
