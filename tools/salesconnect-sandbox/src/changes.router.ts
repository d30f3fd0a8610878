import { Router } from 'express';
import { z } from 'zod';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { sendError, sendValidationError } from './api-error';
import type { ChangeFeed } from './change-feed';
import { contextOf } from './request-context';
import { validate } from './task.validation';

const changesQuerySchema = z.strictObject({
  cursor: z.string().optional(),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be an integer' })
    .min(1, { message: 'must be at least 1' })
    .max(500, { message: 'must be at most 500' })
    .default(100),
});

export function createChangesRouter(feed: ChangeFeed, clock: SandboxClock): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const query = validate(changesQuerySchema, req.query);
    if (!query.ok) return sendValidationError(res, query.fields);
    const page = feed.read(contextOf(res).user?.id ?? null, query.value.cursor, query.value.limit, clock.nowMs());
    if (!page.ok && page.error === 'CURSOR_EXPIRED') {
      return sendError(
        res,
        'CURSOR_EXPIRED',
        'the cursor is older than the feed retention: list the tasks again, then follow the feed from its start',
      );
    }
    if (!page.ok) return sendError(res, 'INVALID_CURSOR', 'not a cursor of this feed');
    res.json({ changes: page.changes, nextCursor: page.nextCursor });
  });
  return router;
}
