import type { NextFunction, Request, Response } from 'express';
import { sendError, sendValidationError } from './api-error';
import type { User } from './user.model';
import type { UserStore } from './user.store';

/** The app a caller is when it sends no `X-Client-App`: Sales Connect's own UI. */
export const DEFAULT_ORIGIN = 'salesconnect-ui';
const ORIGIN_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestContext {
  user: User;
  /** The calling app, recorded on every write. */
  origin: string;
}

/** The authenticated caller; only valid behind `authenticate`. */
export function contextOf(res: Response): RequestContext {
  return res.locals['context'] as RequestContext;
}

/** `Authorization: Bearer <api token>` → the user; `X-Client-App` → the origin of writes. */
export function authenticate(users: UserStore) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    const user = match === null ? undefined : users.byToken(match[1]);
    if (user === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, 'UNAUTHORIZED', 'send Authorization: Bearer <api token>');
    }
    const origin = req.get('x-client-app') ?? DEFAULT_ORIGIN;
    if (!ORIGIN_PATTERN.test(origin)) {
      return sendValidationError(res, [{ field: 'X-Client-App', message: 'must be 1-64 letters, digits, dot, dash or underscore' }]);
    }
    res.locals['context'] = { user, origin } satisfies RequestContext;
    next();
  };
}
