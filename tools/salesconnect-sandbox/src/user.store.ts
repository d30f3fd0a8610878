import { newApiToken, newId } from './ids';
import type { User } from './user.model';

/** The tenant of a user created without one (the demo tenant `npm start` signs its user in to). */
export const DEFAULT_TENANT_ID = 'demo-tenant';

export interface NewUser {
  email: string;
  /** Default: DEFAULT_TENANT_ID. */
  tenantId?: string;
  name?: string;
  timeZone: string;
  /** A fixed id and token (the default user), so local config survives restarts. */
  id?: string;
  apiToken?: string;
}

export class UserStore {
  private readonly users = new Map<string, User>();

  create(input: NewUser, now: Date): User {
    const user: User = {
      id: input.id ?? newId('scu'),
      tenantId: input.tenantId ?? DEFAULT_TENANT_ID,
      email: input.email,
      name: input.name ?? input.email,
      timeZone: input.timeZone,
      apiToken: input.apiToken ?? newApiToken(),
      createdAt: now.toISOString(),
    };
    this.users.set(user.id, user);
    return user;
  }

  byId(id: string): User | undefined {
    return this.users.get(id);
  }

  byToken(token: string): User | undefined {
    return [...this.users.values()].find((u) => u.apiToken === token);
  }

  list(): User[] {
    return [...this.users.values()];
  }

  clear(): void {
    this.users.clear();
  }

  /** Users of snapshots written before tenants existed belong to the default tenant. */
  load(users: User[]): void {
    this.clear();
    for (const user of users) this.users.set(user.id, { ...user, tenantId: user.tenantId ?? DEFAULT_TENANT_ID });
  }
}
