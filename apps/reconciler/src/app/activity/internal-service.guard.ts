import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The task-health routes answer connector-settings only: the token the two services already share
 * (this service's INTERNAL_SERVICE_TOKEN, listed as `reconciler:` in connector-settings'
 * INTERNAL_SERVICE_TOKENS), compared in constant time.
 */
@Injectable()
export class InternalServiceGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: ReconcilerConfig) {
    this.expected = digest(config.INTERNAL_SERVICE_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    if (timingSafeEqual(this.expected, digest(header.startsWith('Bearer ') ? header.slice(7) : ''))) return true;
    throw new UnauthorizedException({ error: 'UNAUTHORIZED', message: "the reconciler's task-health routes need the shared service token (INTERNAL_SERVICE_TOKEN) as a Bearer token" });
  }
}
