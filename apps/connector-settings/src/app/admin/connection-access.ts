import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ADMIN_ROLE, isOrgAdmin } from '../auth/admin.guard';
import type { Principal } from '../auth/principal';
import { ConnectionEntity } from '../connections/connection.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Anyone else, and an id that is not one, get the same 404: nothing leaks. */
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
