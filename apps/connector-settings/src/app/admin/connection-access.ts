import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ADMIN_ROLE, isOrgAdmin } from '../auth/admin.guard';
import type { Principal } from '../auth/principal';
import { ConnectionEntity } from '../connections/connection.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may see a connection's health, preview and timeline: its owner, or an admin of its tenant
 * (JWT_ADMIN_ROLE). Anyone else, and an id that is not one, get the same 404 as today's routes.
 */
@Injectable()
export class ConnectionAccess {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ADMIN_ROLE) private readonly adminRole: string,
  ) {}

  async findVisible(principal: Principal, id: string): Promise<ConnectionEntity> {
    const found = UUID.test(id)
      ? await this.dataSource.getRepository(ConnectionEntity).findOneBy({ id, tenantId: principal.tenantId })
      : null;
    if (!found || (found.userId !== principal.userId && !isOrgAdmin(principal, this.adminRole))) {
      throw new NotFoundException({ error: 'NOT_FOUND', message: 'no such connection' });
    }
    return found;
  }
}
