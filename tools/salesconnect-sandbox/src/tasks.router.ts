import { Router, type Request, type Response } from 'express';
import type { FaultInjector } from '@task-sync/util-sandbox-kit';
import { sendError, sendValidationError } from './api-error';
import { actingUserOf, contextOf } from './request-context';
import type { TaskService } from './task.service';
import type { TaskStore, WriteResult } from './task.store';
import { createTaskSchema, listTasksQuerySchema, updateTaskSchema, validate } from './task.validation';

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** `If-Match: 3` or `If-Match: "3"` (ETag form); absent = no check. */
function readIfMatch(req: Request): { ok: true; version: number | undefined } | { ok: false } {
  const header = req.get('if-match');
  if (header === undefined) return { ok: true, version: undefined };
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  return match === null ? { ok: false } : { ok: true, version: Number(match[1]) };
}

function sendWriteResult(res: Response, result: WriteResult, status = 200): void {
  if (result.ok) {
    res.set('ETag', `"${result.task.version}"`).status(status);
    if (status === 204) res.end();
    else res.json(result.task);
  } else if (result.error === 'NOT_FOUND') {
    sendError(res, 'TASK_NOT_FOUND', 'no such task');
  } else {
    sendError(res, 'VERSION_CONFLICT', `the task is at version ${result.currentVersion}`, {
      currentVersion: result.currentVersion,
    });
  }
}

/** `/v1/tasks`: a user sees and changes only their own tasks; someone else's is 404, not 403. */
export function createTasksRouter(tasks: TaskService, store: TaskStore, faults: FaultInjector): Router {
  const router = Router();

  router.post('/', (req, res) => {
    const { origin } = contextOf(res);
    const user = actingUserOf(res);
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      return sendValidationError(res, [
        { field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
      ]);
    }
    const input = validate(createTaskSchema, req.body);
    if (!input.ok) return sendValidationError(res, input.fields);
    const result = tasks.create(user.id, input.value, origin, key === undefined ? undefined : { key, body: req.body });
    if (result.kind === 'reused') {
      return sendError(res, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another request body');
    }
    // A gateway that times out after the task was made: the client knows only to try again (with its key).
    if (faults.shouldInject('lostCreateResponse')) {
      res.set('Retry-After', '1');
      return sendError(res, 'SERVICE_UNAVAILABLE', 'injected fault: the answer was lost after the task was created');
    }
    if (result.kind === 'replayed') res.set('Idempotent-Replayed', 'true');
    res.status(201).set('ETag', `"${result.task.version}"`).location(`/v1/tasks/${result.task.id}`).json(result.task);
  });

  router.get('/', (req, res) => {
    const query = validate(listTasksQuerySchema, req.query);
    if (!query.ok) return sendValidationError(res, query.fields);
    const page = store.list(actingUserOf(res).id, query.value);
    if (!page.ok) return sendValidationError(res, [{ field: 'cursor', message: 'is not a cursor from this list' }]);
    res.json({ items: page.items, nextCursor: page.nextCursor });
  });

  router.get('/:id', (req, res) => {
    const task = store.get(actingUserOf(res).id, req.params.id);
    if (task === undefined) return sendError(res, 'TASK_NOT_FOUND', 'no such task');
    res.set('ETag', `"${task.version}"`).json(task);
  });

  router.patch('/:id', (req, res) => {
    const { origin } = contextOf(res);
    const user = actingUserOf(res);
    const ifMatch = readIfMatch(req);
    if (!ifMatch.ok)
      return sendValidationError(res, [{ field: 'If-Match', message: 'must be a task version, e.g. 3' }]);
    const patch = validate(updateTaskSchema, req.body);
    if (!patch.ok) return sendValidationError(res, patch.fields);
    sendWriteResult(res, tasks.update(user.id, req.params.id, patch.value, ifMatch.version, origin));
  });

  for (const action of ['complete', 'reopen'] as const) {
    router.post(`/:id/${action}`, (req, res) => {
      const { origin } = contextOf(res);
      const user = actingUserOf(res);
      const ifMatch = readIfMatch(req);
      if (!ifMatch.ok)
        return sendValidationError(res, [{ field: 'If-Match', message: 'must be a task version, e.g. 3' }]);
      sendWriteResult(res, tasks[action](user.id, req.params.id, ifMatch.version, origin));
    });
  }

  router.delete('/:id', (req, res) => {
    const { origin } = contextOf(res);
    const user = actingUserOf(res);
    const ifMatch = readIfMatch(req);
    if (!ifMatch.ok)
      return sendValidationError(res, [{ field: 'If-Match', message: 'must be a task version, e.g. 3' }]);
    sendWriteResult(res, tasks.delete(user.id, req.params.id, ifMatch.version, origin), 204);
  });

  return router;
}
