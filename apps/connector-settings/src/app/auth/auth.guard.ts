import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { clientAddress, RateLimits } from '../http/rate-limits';
import { JwtRejected, JwtVerifier } from './jwt-verifier';
import type { Principal } from './principal';

export type AuthenticatedRequest = Request & { principal: Principal };

/** An address that failed too often is answered 429 before its token is looked at, so tokens cannot be guessed at speed. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @Inject(RateLimits) private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const address = clientAddress(request);
    await this.limits.refuseIfOver('auth-failures-by-address', address);
    try {
      request.principal = await this.verifier.verify(request.headers.authorization);
      return true;
    } catch (e) {
      if (!(e instanceof JwtRejected)) throw e;
      await this.limits.take('auth-failures-by-address', address);
      throw new UnauthorizedException({ error: e.code, message: e.message });
    }
  }
}

/** The connect route, after AuthGuard: a limit per user and one per address. */
@Injectable()
export class ConnectRateLimitGuard implements CanActivate {
  constructor(@Inject(RateLimits) private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    await this.limits.take('connect-by-address', clientAddress(request));
    await this.limits.take('connect-by-user', `${request.principal.tenantId}/${request.principal.userId}`);
    return true;
  }
}
