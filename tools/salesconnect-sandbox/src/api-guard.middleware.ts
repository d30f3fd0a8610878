import type { NextFunction, Request, Response } from 'express';
import type { CallCounter, FaultInjector } from '@task-sync/util-sandbox-kit';
import { sendError } from './api-error';
import { contextOf } from './request-context';

/** `/v1/tasks/sct_123/complete` → `/v1/tasks/:id/complete`, so calls count per endpoint, not per id. */
export function toEndpointTemplate(path: string): string {
  return path.replace(/\/sc[a-z]_[A-Za-z0-9]+/g, '/:id').replace(/\/$/, '') || '/';
}

/** After authentication, so calls are counted per user. */
export function apiGuard(calls: CallCounter, faults: FaultInjector) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { user, app } = contextOf(res);
    // Counted per user; an app acting as itself under `app:<name>`.
    calls.record(`${req.method} ${toEndpointTemplate(req.baseUrl + req.path)}`, user?.id ?? `app:${app}`);
    await faults.delay();
    if (faults.shouldInject('http5xx')) {
      res.set('Retry-After', '1');
      return sendError(res, 'SERVICE_UNAVAILABLE', 'injected fault: service unavailable, retry later');
    }
    next();
  };
}
