import { json, Router } from 'express';
import { z } from 'zod';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { StreamingServer } from '../cometd/streaming.server';
import type { OrgState, OrgStore } from '../org.store';
import { orgRoute } from '../salesforce-admin.router';
import { toId18, isSalesforceIdShape } from '../salesforce-id';
import { toWholeSecond } from '../sfdc-datetime';
import { cloneTask } from '../task.store';
import { draftGapEvent, GAP_TYPES } from './change-event';
import type { ChangeEventBus } from './change-event.bus';

const cdcSettings = z.object({
  taskSelected: z.boolean().optional(),
  dailyDeliveryAllocation: z.number().int().min(0).optional(),
  deliveredToday: z.number().int().min(0).optional(),
});
const permissions = z.object({ viewAllData: z.boolean().optional(), modifyAllData: z.boolean().optional() });
const gap = z.object({
  recordIds: z.array(z.string()).min(1),
  changeType: z.enum(GAP_TYPES).default('GAP_UPDATE'),
  userId: z.string().optional(),
});
const overflow = z.object({ userId: z.string().optional() });
const undelete = z.object({ userId: z.string().optional() });

export function createChangeEventsAdminRouter(deps: {
  store: OrgStore;
  clock: SandboxClock;
  events: ChangeEventBus;
  streaming: StreamingServer;
}): Router {
  const { store, clock, events, streaming } = deps;
  const router = Router();
  router.use(json({ limit: '1mb' }));

  const withOrg = orgRoute(store);
  /** Who an admin-made change is attributed to: the given user, else the org's first user. */
  const userOf = (org: OrgState, userId: string | undefined): string => {
    if (userId !== undefined) {
      if (!org.users.has(userId)) throw new Error(`no user ${userId} in org ${org.id}`);
      return userId;
    }
    return [...org.users.keys()][0];
  };

  router.get(
    '/orgs/:orgId/change-data-capture',
    withOrg((org, _req, res) => {
      res.json({ ...events.settings(org.id), clients: streaming.list(org.id) });
    }),
  );
  router.put(
    '/orgs/:orgId/change-data-capture',
    withOrg((org, req, res) => {
      res.json(events.configure(org.id, cdcSettings.parse(req.body ?? {})));
    }),
  );
  router.put(
    '/orgs/:orgId/users/:userId/permissions',
    withOrg((org, req, res) => {
      const user = org.users.get(String(req.params.userId));
      if (!user) throw new Error(`no user ${String(req.params.userId)} in org ${org.id}`);
      const input = permissions.parse(req.body);
      if (input.viewAllData !== undefined) user.viewAllData = input.viewAllData;
      if (input.modifyAllData !== undefined) user.modifyAllData = input.modifyAllData;
      res.json({
        userId: user.fields.Id,
        username: user.fields.Username,
        viewAllData: user.viewAllData === true,
        modifyAllData: user.modifyAllData === true,
      });
    }),
  );

  // The retained stream as subscribers get it (`?after=<replayId>`: only the later ones).
  router.get(
    '/orgs/:orgId/change-events',
    withOrg((org, req, res) => {
      const after = req.query.after === undefined ? 0 : Number(req.query.after);
      if (!Number.isFinite(after)) throw new Error('after must be a replay id');
      res.json(events.eventsAfter(org.id, after, Number.MAX_SAFE_INTEGER).map((e) => e.data));
    }),
  );
  // Faults: a gap event for records (their change could not be captured) and an overflow event.
  router.post(
    '/orgs/:orgId/change-events/gap',
    withOrg((org, req, res) => {
      const input = gap.parse(req.body);
      const ids = input.recordIds.map((id) => (isSalesforceIdShape(id) ? toId18(id) : id));
      const now = toWholeSecond(clock.nowMs());
      res
        .status(201)
        .json(
          events
            .publishDrafts(org.id, [draftGapEvent(input.changeType, ids, userOf(org, input.userId), now)])
            .map((e) => e.data),
        );
    }),
  );
  router.post(
    '/orgs/:orgId/change-events/overflow',
    withOrg((org, req, res) => {
      const input = overflow.parse(req.body ?? {});
      const now = toWholeSecond(clock.nowMs());
      res
        .status(201)
        .json(
          events
            .publishDrafts(org.id, [draftGapEvent('GAP_OVERFLOW', [], userOf(org, input.userId), now)])
            .map((e) => e.data),
        );
    }),
  );

  // Undelete from the Recycle Bin, as a person does in Setup (the REST API has no undelete).
  router.post(
    '/orgs/:orgId/tasks/:taskId/undelete',
    withOrg((org, req, res) => {
      const userId = userOf(org, undelete.parse(req.body ?? {}).userId);
      store.purgeRecycleBin(org);
      const raw = String(req.params.taskId);
      const task = isSalesforceIdShape(raw) ? org.tasks.get(toId18(raw)) : undefined;
      if (!task || task.deletedAt === null) throw new Error(`task ${raw} is not in the recycle bin`);
      const now = toWholeSecond(clock.nowMs());
      const next = cloneTask(task);
      Object.assign(next.fields, {
        IsDeleted: false,
        LastModifiedDate: now,
        LastModifiedById: userId,
        SystemModstamp: now,
      });
      next.deletedAt = null;
      next.lastModifiedByClient = null;
      next.changeOrigin = '';
      org.tasks.replace(next);
      res.json({ id: next.fields.Id, undeleted: true });
    }),
  );

  router.get('/streaming/clients', (req, res) => {
    res.json(streaming.list(typeof req.query.orgId === 'string' ? req.query.orgId : undefined));
  });
  // Fault: the server forgets a client; its next connect answers `403::Unknown client`.
  router.delete('/streaming/clients/:clientId', (req, res) => {
    if (!streaming.drop(String(req.params.clientId)))
      return void res.status(404).json({ error: 'NOT_FOUND', message: 'no such client' });
    res.status(204).end();
  });

  return router;
}
