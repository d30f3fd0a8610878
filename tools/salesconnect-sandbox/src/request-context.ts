import type { NextFunction, Request, Response } from 'express';
import { sendError, sendValidationError } from './api-error';
import type { User } from './user.model';
import type { UserStore } from './user.store';

/** The app a caller is when it sends no `X-Client-App`: Sales Connect's own UI. */
export const DEFAULT_ORIGIN = 'salesconnect-ui';
const ORIGIN_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** With an integration app token: the user the call acts for. */
export const ACTING_USER_HEADER = 'X-SalesConnect-User';

/** An integration app: its token acts for any user (a service account with delegation). */
export interface AppToken {
  name: string;
  token: string;
}

export interface RequestContext {
  /**
   * The user the call acts as: the owner of a user token, or the `X-SalesConnect-User` of an app
   * token. Null when an app calls as itself (the app-wide feed, the app's own webhooks).
   */
  user: User | null;
  /** The integration app whose token was used; null for a user's token. */
  app: string | null;
  /** The calling app, recorded on every write. */
  origin: string;
}

/** The authenticated caller; only valid behind `authenticate`. */
export function contextOf(res: Response): RequestContext {
  return res.locals['context'] as RequestContext;
}

/** The user a call acts as; only valid behind `requireActingUser`. */
export function actingUserOf(res: Response): User {
  const { user } = contextOf(res);
  if (user === null) throw new Error('actingUserOf used on a route without requireActingUser');
  return user;
}

/** Who owns what a caller creates (webhook subscriptions): a user, or an app acting as itself. */
export function ownerOf(context: RequestContext): { userId: string | null; app: string | null } {
  return context.user !== null ? { userId: context.user.id, app: null } : { userId: null, app: context.app };
}

export function authenticate(users: UserStore, appTokens: readonly AppToken[] = []) {
  const apps = new Map(appTokens.map((a) => [a.token, a.name]));
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    const token = match === null ? undefined : match[1];
    const app = token === undefined ? undefined : apps.get(token);
    const tokenUser = token === undefined || app !== undefined ? undefined : users.byToken(token);
    if (app === undefined && tokenUser === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, 'UNAUTHORIZED', 'send Authorization: Bearer <api token or app token>');
    }
    const origin = req.get('x-client-app') ?? DEFAULT_ORIGIN;
    if (!ORIGIN_PATTERN.test(origin)) {
      return sendValidationError(res, [
        { field: 'X-Client-App', message: 'must be 1-64 letters, digits, dot, dash or underscore' },
      ]);
    }
    const actingAs = req.get(ACTING_USER_HEADER);
    let user: User | null = tokenUser ?? null;
    if (tokenUser !== undefined && actingAs !== undefined && actingAs !== tokenUser.id) {
      return sendValidationError(res, [
        {
          field: ACTING_USER_HEADER,
          message: "only an app token may act for another user; a user's token acts as its user",
        },
      ]);
    }
    if (app !== undefined && actingAs !== undefined) {
      user = users.byId(actingAs) ?? null;
      if (user === null) return sendError(res, 'USER_NOT_FOUND', `no user ${actingAs}`);
    }
    res.locals['context'] = { user, app: app ?? null, origin } satisfies RequestContext;
    next();
  };
}

/** Routes that only make sense for one user (tasks, Command Center): an app must say which. */
export function requireActingUser() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (contextOf(res).user !== null) return next();
    sendValidationError(res, [
      { field: ACTING_USER_HEADER, message: 'an app token must name the user it acts for in this header' },
    ]);
  };
}
