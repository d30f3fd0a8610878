import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The internal routes start work that spends the org's API calls: only an operator's Bearer token
 * (OPERATOR_TOKEN) opens them, compared in constant time, even though no Ingress routes to them.
 */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: ReconcilerConfig) {
    this.expected = digest(config.OPERATOR_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    if (timingSafeEqual(this.expected, digest(header.startsWith('Bearer ') ? header.slice(7) : ''))) return true;
    throw new UnauthorizedException({ error: 'UNAUTHORIZED', message: "the reconciler's internal routes need the operator token (OPERATOR_TOKEN) as a Bearer token" });
  }
}
