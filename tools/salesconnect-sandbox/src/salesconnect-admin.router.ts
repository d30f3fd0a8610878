import { json, Router } from 'express';
import { z } from 'zod';
import { sinceParam, type SandboxClock } from '@task-sync/util-sandbox-kit';
import { sendValidationError } from './api-error';
import type { ChangeFeed } from './change-feed';
import { isKnownTimeZone } from './time-zone';
import type { TaskStore } from './task.store';
import { validate } from './task.validation';
import type { WebhookDispatcher } from './webhook-dispatcher';
import { describeDelivery } from './webhooks.router';
import type { UserStore } from './user.store';

const newUserSchema = z.strictObject({
  email: z.email({ message: 'must be an e-mail address' }),
  /** The account the user belongs to (default: the demo tenant). */
  tenantId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'must be 1 to 100 letters, digits, _ . : or -' })
    .optional(),
  name: z.string().min(1).max(200).optional(),
  timeZone: z.string().refine(isKnownTimeZone, { message: 'must be an IANA time zone, e.g. Europe/Lisbon' }),
});

const holdSchema = z.strictObject({ taskIds: z.array(z.string().min(1)).min(1).optional() });
const releaseSchema = z.strictObject({
  order: z.enum(['arrival', 'reverse']).default('arrival'),
  intervalMs: z.number().int().min(0).max(60_000).default(0),
});

/** What a test needs beyond the public API. */
export function createSalesConnectAdminRouter(deps: {
  users: UserStore;
  store: TaskStore;
  feed: ChangeFeed;
  dispatcher: WebhookDispatcher;
  clock: SandboxClock;
}): Router {
  const router = Router();
  router.use(json());

  router.post('/users', (req, res) => {
    const input = validate(newUserSchema, req.body);
    if (!input.ok) return sendValidationError(res, input.fields);
    res.status(201).json(deps.users.create(input.value, deps.clock.now()));
  });
  router.get('/users', (_req, res) => {
    res.json({ items: deps.users.list() });
  });
  router.get('/tasks', (req, res) => {
    const userId = typeof req.query['userId'] === 'string' ? req.query['userId'] : undefined;
    res.json({ items: deps.store.all().filter((t) => userId === undefined || t.ownerId === userId) });
  });
  // `?since=ISO`: only the changes that occurred at or after it.
  router.get('/changes', (req, res) => {
    const since = sinceParam(req.query['since']);
    if (Number.isNaN(since)) return sendValidationError(res, [{ field: 'since', message: 'must be an ISO date-time' }]);
    // occurredAt is the clock's toISOString(): comparing the text orders it as the instant, without a parse per change.
    const from = Number.isFinite(since) ? new Date(since).toISOString() : '';
    res.json({ changes: deps.feed.all(deps.clock.nowMs()).filter((c) => c.occurredAt >= from) });
  });
  router.get('/webhooks/deliveries', (_req, res) => {
    res.json({ items: deps.dispatcher.list().map(describeDelivery) });
  });
  // Webhooks out of order on purpose: hold new deliveries, then send them reversed, a round each.
  router.post('/webhooks/hold', (req, res) => {
    const input = validate(holdSchema, req.body ?? {});
    if (!input.ok) return sendValidationError(res, input.fields);
    deps.dispatcher.hold(input.value);
    res.json({ holding: input.value.taskIds ?? 'every task' });
  });
  router.post('/webhooks/release', (req, res) => {
    const input = validate(releaseSchema, req.body ?? {});
    if (!input.ok) return sendValidationError(res, input.fields);
    res.json({ released: deps.dispatcher.release(input.value) });
  });
  return router;
}
