import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedRequest } from './auth.guard';
import type { Principal } from './principal';

/** Injection token: JWT_ADMIN_ROLE, the role that may manage the org's reader. */
export const ADMIN_ROLE = Symbol('ADMIN_ROLE');

/** Whether the caller may manage the org's reader (connect, check, disconnect): their token lists the admin role. */
export const isOrgAdmin = (principal: Pick<Principal, 'roles'>, adminRole: string): boolean =>
  principal.roles.includes(adminRole);

/** The 403 names the role, never what the token held. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(ADMIN_ROLE) private readonly adminRole: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (isOrgAdmin(request.principal, this.adminRole)) return true;
    throw new ForbiddenException({
      error: 'ADMIN_ROLE_REQUIRED',
      message: `managing the org's Salesforce reader takes the ${this.adminRole} role`,
    });
  }
}
