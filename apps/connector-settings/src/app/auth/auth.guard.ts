import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { JwtRejected, JwtVerifier } from './jwt-verifier';
import type { Principal } from './principal';

export type AuthenticatedRequest = Request & { principal: Principal };

/** Every API route: a verified Bearer JWT, or 401 with the reason. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(JwtVerifier) private readonly verifier: JwtVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      request.principal = await this.verifier.verify(request.headers.authorization);
      return true;
    } catch (e) {
      if (e instanceof JwtRejected) throw new UnauthorizedException({ error: e.code, message: e.message });
      throw e;
    }
  }
}
