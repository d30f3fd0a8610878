import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@task-sync/util-nest';
import { bearerTokenCheck } from '../drift/bearer-token';
import type { ReconcilerConfig } from '../reconciler.config';

/**
 * The task-health routes answer connector-settings only: the token the two services already share
 * (this service's INTERNAL_SERVICE_TOKEN, listed as `reconciler:` in connector-settings' INTERNAL_SERVICE_TOKENS).
 */
@Injectable()
export class InternalServiceGuard implements CanActivate {
  private readonly check: (context: ExecutionContext) => true;

  constructor(@Inject(APP_CONFIG) config: ReconcilerConfig) {
    this.check = bearerTokenCheck(
      config.INTERNAL_SERVICE_TOKEN,
      "the reconciler's task-health routes need the shared service token (INTERNAL_SERVICE_TOKEN) as a Bearer token",
    );
  }

  canActivate(context: ExecutionContext): boolean {
    return this.check(context);
  }
}
