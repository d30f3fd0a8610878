import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import { bearerTokenCheck } from './bearer-token';

/**
 * The internal routes start work that spends the org's API calls: only an operator's Bearer token
 * (OPERATOR_TOKEN) opens them, even though no Ingress routes to them.
 */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  private readonly check: (context: ExecutionContext) => true;

  constructor(@Inject(APP_CONFIG) config: ReconcilerConfig) {
    this.check = bearerTokenCheck(
      config.OPERATOR_TOKEN,
      "the reconciler's internal routes need the operator token (OPERATOR_TOKEN) as a Bearer token",
    );
  }

  canActivate(context: ExecutionContext): boolean {
    return this.check(context);
  }
}
