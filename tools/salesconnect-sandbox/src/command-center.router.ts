import { Router, type Response } from 'express';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { sendError } from './api-error';
import { buildCommandCenter } from './command-center';
import { renderCommandCenterPage } from './command-center.page';
import { actingUserOf } from './request-context';
import type { TaskStore } from './task.store';
import type { User } from './user.model';
import type { UserStore } from './user.store';

/** `GET /v1/command-center`, behind authentication: the JSON view for the caller. */
export function createCommandCenterApiRouter(store: TaskStore, clock: SandboxClock): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(buildCommandCenter(actingUserOf(res), store.all(), clock.nowMs()));
  });
  return router;
}

/** The HTML page: `/command-center?token=<api token>` or `/users/:id/command-center` (sandbox: no login). */
export function createCommandCenterPageRouter(users: UserStore, store: TaskStore, clock: SandboxClock): Router {
  const router = Router();
  const render = (res: Response, user: User | undefined) => {
    if (user === undefined) return sendError(res, 'NOT_FOUND', 'no such user');
    res.type('html').send(renderCommandCenterPage(user, buildCommandCenter(user, store.all(), clock.nowMs())));
  };
  router.get('/command-center', (req, res) => {
    const token = typeof req.query['token'] === 'string' ? req.query['token'] : '';
    render(res, users.byToken(token));
  });
  router.get('/users/:id/command-center', (req, res) => render(res, users.byId(req.params.id)));
  return router;
}
