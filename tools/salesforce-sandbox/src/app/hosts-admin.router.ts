import { json, Router } from 'express';
import { z } from 'zod';
import type { CallCounter } from '@task-sync/util-sandbox-kit';
import type { OrgStore } from './org.store';
import { orgRoute } from './salesforce-admin.router';
import { myDomainHost } from './salesforce-host';

/** How the host counter names the sandbox's root (login.salesforce.com, and orgs without a My Domain). */
export const ROOT_HOST = '(root)';

const move = z.object({ myDomainHost });

/**
 * `/__admin/salesforce`: an org's move (a My Domain rename, an instance migration), and the calls each
 * Salesforce host served.
 */
export function createHostsAdminRouter(deps: { store: OrgStore; hostCalls: CallCounter }): Router {
  const router = Router();
  router.use(json());
  const withOrg = orgRoute(deps.store);

  // The org moves: token answers name the new instance from now on, and the old host refuses its sessions.
  router.put(
    '/orgs/:orgId/my-domain',
    withOrg((org, req, res) => {
      deps.store.moveOrg(org, move.parse(req.body).myDomainHost);
      res.json({ id: org.id, myDomainHost: org.myDomainHost, previousHosts: org.previousHosts });
    }),
  );
  // Every request each host served (`(root)` for the sandbox's root), OAuth and API alike.
  router.get('/host-calls', (_req, res) => {
    res.json({ hosts: deps.hostCalls.list().map((c) => ({ host: c.tenant, count: c.count })) });
  });
  return router;
}
