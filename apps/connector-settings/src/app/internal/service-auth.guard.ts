import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { clientAddress, RateLimits } from '../http/rate-limits';

/** Injection token: the parsed INTERNAL_SERVICE_TOKENS. */
export const SERVICE_TOKENS = Symbol('SERVICE_TOKENS');

export type ServiceRequest = Request & { callerService: string };

/** `name:token,name:token` → the services allowed on the internal API, each with its own token. */
export function parseServiceTokens(text: string): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const [i, entry] of text.split(',').entries()) {
    const at = entry.indexOf(':');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    const token = entry.slice(at + 1).trim();
    // Named by position when there is no name: without a ':' the entry is the token itself, never printed.
    if (!name || token.length < 24)
      throw new Error(
        `internal service token ${name ? `"${name}"` : `entry ${i + 1}`} must be name:token with a token of 24+ characters`,
      );
    tokens.set(name, token);
  }
  return tokens;
}

/**
 * The services (their names in INTERNAL_SERVICE_TOKENS) a route or controller answers; least
 * privilege: salesconnect-ingest reads the settings watermark, never a Salesforce session.
 */
export const InternalCallers = Reflector.createDecorator<readonly string[]>();

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Service to service, never the browser. */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly tokens: { name: string; digest: Buffer }[];

  constructor(
    @Inject(SERVICE_TOKENS) tokens: Map<string, string>,
    @Inject(RateLimits) private readonly limits: RateLimits,
    @Inject(Reflector) private readonly reflector: Reflector = new Reflector(),
  ) {
    this.tokens = [...tokens].map(([name, token]) => ({ name, digest: digest(token) }));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ServiceRequest>();
    // Failed authentications count per address here as on the public API.
    const address = clientAddress(request);
    await this.limits.refuseIfOver('auth-failures-by-address', address);
    const header = request.headers.authorization ?? '';
    const presented = digest(header.startsWith('Bearer ') ? header.slice(7) : '');
    // Every token is compared, so the time taken says nothing about which one was close.
    let caller: string | undefined;
    for (const candidate of this.tokens) {
      if (timingSafeEqual(candidate.digest, presented)) caller ??= candidate.name;
    }
    if (!caller) {
      await this.limits.take('auth-failures-by-address', address);
      throw new UnauthorizedException({
        error: 'UNAUTHORIZED',
        message: 'a service token is required for the internal API',
      });
    }
    const allowed = this.reflector.getAllAndOverride(InternalCallers, [context.getHandler(), context.getClass()]);
    if (allowed && !allowed.includes(caller))
      throw new ForbiddenException({ error: 'FORBIDDEN', message: `${caller} may not call this internal route` });
    request.callerService = caller;
    return true;
  }
}
