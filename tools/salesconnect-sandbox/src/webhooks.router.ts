import { Router } from 'express';
import { z } from 'zod';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { sendError, sendValidationError } from './api-error';
import { contextOf, ownerOf } from './request-context';
import { validate } from './task.validation';
import type { UserStore } from './user.store';
import type { WebhookDelivery, WebhookDispatcher } from './webhook-dispatcher';
import type { WebhookSubscriptionStore } from './webhook-subscription.store';

const subscriptionSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  userId: z.string().min(1).nullable().optional(),
});

/** The log without the stored body: the body is the change, readable in the feed. */
export function describeDelivery(delivery: WebhookDelivery): Omit<WebhookDelivery, 'body'> {
  const entry: Partial<WebhookDelivery> = { ...delivery };
  delete entry.body;
  return entry as Omit<WebhookDelivery, 'body'>;
}

/** Sandbox simplification: any user's token may also create an app-level subscription (no `userId`). */
export function createWebhooksRouter(
  subscriptions: WebhookSubscriptionStore,
  dispatcher: WebhookDispatcher,
  users: UserStore,
  clock: SandboxClock,
): Router {
  const router = Router();

  router.post('/subscriptions', (req, res) => {
    const input = validate(subscriptionSchema, req.body);
    if (!input.ok) return sendValidationError(res, input.fields);
    const userId = input.value.userId ?? null;
    if (userId !== null && users.byId(userId) === undefined)
      return sendValidationError(res, [{ field: 'userId', message: 'is not a user' }]);
    const owner = ownerOf(contextOf(res));
    const subscription = subscriptions.create(
      { url: input.value.url, userId, createdByUserId: owner.userId, createdByApp: owner.app },
      clock.now(),
    );
    res.status(201).json(subscription);
  });

  router.get('/subscriptions', (_req, res) => {
    res.json({ items: subscriptions.ownedBy(ownerOf(contextOf(res))) });
  });

  router.delete('/subscriptions/:id', (req, res) => {
    const subscription = subscriptions.ownedBy(ownerOf(contextOf(res))).find((s) => s.id === req.params.id);
    if (subscription === undefined) return sendError(res, 'NOT_FOUND', 'no such subscription');
    subscriptions.delete(subscription.id);
    res.status(204).end();
  });

  router.get('/deliveries', (req, res) => {
    const own = new Set(subscriptions.ownedBy(ownerOf(contextOf(res))).map((s) => s.id));
    const only = typeof req.query['subscriptionId'] === 'string' ? req.query['subscriptionId'] : undefined;
    const items = dispatcher
      .list({ subscriptionIds: own })
      .filter((d) => only === undefined || d.subscriptionId === only);
    res.json({ items: items.map(describeDelivery) });
  });

  return router;
}
