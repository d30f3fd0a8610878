import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { AdminGuard, isOrgAdmin } from './admin.guard';
import type { Principal } from './principal';

const rep: Principal = { tenantId: 't', userId: 'u', timeZone: 'UTC', roles: [] };
const contextFor = (principal: Principal) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ principal }) }) }) as unknown as ExecutionContext;

describe("isOrgAdmin: only a token that lists the admin role manages the org's reader", () => {
  it.each([
    [['task-sync:admin'], true],
    [['viewer', 'task-sync:admin'], true],
    [[], false],
    [['task-sync:Admin'], false],
    [['task-sync:admin-lite'], false],
    [['admin'], false],
  ])('%j → %s', (roles, admin) => {
    expect(isOrgAdmin({ roles }, 'task-sync:admin')).toBe(admin);
  });

  it('AdminGuard answers 403 ADMIN_ROLE_REQUIRED to anyone else', () => {
    const guard = new AdminGuard('task-sync:admin');
    expect(guard.canActivate(contextFor({ ...rep, roles: ['task-sync:admin'] }))).toBe(true);
    let refused: unknown;
    try {
      guard.canActivate(contextFor(rep));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ForbiddenException);
    expect((refused as ForbiddenException).getResponse()).toMatchObject({
      error: 'ADMIN_ROLE_REQUIRED',
      message: expect.stringContaining('task-sync:admin'),
    });
  });
});
