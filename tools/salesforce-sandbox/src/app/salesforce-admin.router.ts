import { json, Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { OrgState, OrgStore } from './org.store';
import { myDomainHost } from './salesforce-host';
import { earliestDateAvailable } from './replication-window';
import { formatSfdcDateTime, parseSfdcDateTime, toWholeSecond } from './sfdc-datetime';
import { isKnownTimeZone } from './soql-date-literal';
import type { SessionStore } from './session.store';
import { isSalesforceIdShape, KEY_PREFIX, toId18 } from './salesforce-id';
import { defaultTaskStatus, isClosedStatus } from './org-rules/task-statuses';
import type { Fields } from './sandbox-records';
import { deriveAccountId, newTaskDefaults } from './org-schema';
import { selectTasksToArchive } from './task-archive';
import { sinceParam, type SandboxClock } from '@task-sync/util-sandbox-kit';

const newOrg = z.object({
  name: z.string().min(1),
  dailyApiLimit: z.number().int().positive().optional(),
  // false: no SalesConnect_Task_Id__c, as a customer's org is before the product's package is deployed.
  salesConnectTaskIdField: z.boolean().optional(),
  // A sandbox org (Organization.IsSandbox): its users sign in at test.salesforce.com.
  isSandbox: z.boolean().optional(),
  // Its My Domain, also its instance: the API answers there, not at the sandbox's root.
  myDomainHost: myDomainHost.optional(),
  // My Domain's "Prevent login from login.salesforce.com" (test.salesforce.com for a sandbox).
  preventLoginHostLogin: z.boolean().optional(),
});
const newUser = z.object({
  username: z.string().min(3),
  password: z.string().min(1).optional(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  // The user's zone decides what TODAY and LAST_N_DAYS:n mean in their SOQL (default America/Los_Angeles).
  timeZoneSidKey: z
    .string()
    .refine(isKnownTimeZone, 'timeZoneSidKey must be a time zone such as Europe/Berlin')
    .optional(),
  // View All Data (Change Data Capture subscribers need it); off unless asked for.
  viewAllData: z.boolean().optional(),
  // Modify All Data (the Metadata API's deploy needs it); off unless asked for.
  modifyAllData: z.boolean().optional(),
});
const newAccount = z.object({ name: z.string().min(1) });
/** The server's page size cap: queries answer at most this many records a page (null: back to 2,000). */
const pageSize = z.object({ queryPageSize: z.number().int().min(1).max(2000).nullable() });
const newPerson = z.object({
  lastName: z.string().min(1),
  firstName: z.string().optional(),
  email: z.string().optional(),
  company: z.string().optional(),
});
const newApp = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.string()).default([]),
});
const usage = z.object({
  dailyApiLimit: z.number().int().positive().optional(),
  used: z.number().int().min(0).optional(),
});
/** Seeding bypasses API validation on purpose: e.g. two tasks with one external id, to reach the HTTP 300 case. */
const seedTask = z.object({
  Subject: z.string().nullable().optional(),
  Description: z.string().nullable().optional(),
  ActivityDate: z.string().nullable().optional(),
  Status: z.string().optional(),
  Priority: z.string().optional(),
  TaskSubtype: z.string().optional(),
  WhoId: z.string().nullable().optional(),
  WhatId: z.string().nullable().optional(),
  OwnerId: z.string().optional(),
  SalesConnect_Task_Id__c: z.string().nullable().optional(),
  // A recurring series as Salesforce stores it: the master (IsRecurrence) and occurrences naming it.
  IsRecurrence: z.boolean().optional(),
  RecurrenceActivityId: z.string().nullable().optional(),
});

/** Explicit tasks, or Salesforce's age rule applied now (365 days unless told otherwise); not both. */
const archiveTasks = z
  .object({ ids: z.array(z.string()).min(1).optional(), olderThanDays: z.number().int().min(0).optional() })
  .refine((b) => b.ids === undefined || b.olderThanDays === undefined, 'give ids or olderThanDays, not both');
/** Empty Recycle Bin: everything deleted before `before` (default: now) goes for good. */
const purgeRecycleBin = z.object({ before: z.string().optional() });

/** The `since` query parameter as epoch ms (0 when absent); a value that is not a date is a 400. */
function sinceOf(req: Request): number {
  const ms = sinceParam(req.query['since']);
  if (Number.isNaN(ms)) throw new Error('since must be an ISO date-time');
  return ms;
}

/** Date-times as the REST API writes them; `dateTimes` names the fields that are (by default, the audit ones). */
export function formatFields(
  fields: Fields,
  dateTimes: (name: string) => boolean = (k) => k.endsWith('Date') || k === 'SystemModstamp',
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' && dateTimes(k) ? formatSfdcDateTime(v) : v]),
  );
}

/** A task's date-time fields in its org (ReminderDateTime and custom ones too), by the org's schema. */
const taskDateTimes = (org: OrgState) => {
  const names = new Set(org.taskFields.filter((f) => f.type === 'datetime').map((f) => f.name));
  return (name: string) => names.has(name);
};

/** An admin route on `:orgId`: 404 for an unknown org, 400 with the reason for a bad body. */
export function orgRoute(store: OrgStore) {
  return (fn: (org: OrgState, req: Request, res: Response) => void) => (req: Request, res: Response) => {
    const org = store.getOrg(String(req.params.orgId));
    if (!org) {
      res.status(404).json({ error: 'NOT_FOUND', message: `no org ${String(req.params.orgId)}` });
      return;
    }
    try {
      fn(org, req, res);
    } catch (e) {
      res
        .status(400)
        .json({ error: 'BAD_REQUEST', message: e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message });
    }
  };
}

/** `/__admin/salesforce/...`: orgs, users, Contacts, Leads, connected apps, tasks (deleted included), sessions, API usage. */
export function createSalesforceAdminRouter(deps: {
  store: OrgStore;
  sessions: SessionStore;
  clock: SandboxClock;
}): Router {
  const { store, sessions, clock } = deps;
  const router = Router();
  router.use(json({ limit: '10mb' }));

  const withOrg = orgRoute(store);

  const describeOrg = (org: OrgState) => ({
    id: org.id,
    name: org.name,
    dailyApiLimit: org.dailyApiLimit,
    isSandbox: org.isSandbox,
    myDomainHost: org.myDomainHost,
    previousHosts: org.previousHosts,
    preventLoginHostLogin: org.preventLoginHostLogin,
    apiUsage: org.apiUsage,
    queryPageSize: org.queryPageSize,
    users: [...org.users.values()].map((u) => ({
      id: u.fields.Id,
      username: u.fields.Username,
      email: u.fields.Email,
      name: u.fields.Name,
    })),
    taskCount: org.tasks.size,
  });

  router.get('/orgs', (_req, res) => {
    res.json([...store.orgs.values()].map(describeOrg));
  });
  router.post('/orgs', (req, res) => {
    const parsed = newOrg.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: 'BAD_REQUEST', message: z.prettifyError(parsed.error) });
    const { name, dailyApiLimit, ...where } = parsed.data;
    try {
      res.status(201).json(describeOrg(store.createOrg(name, dailyApiLimit, where)));
    } catch (e) {
      res.status(400).json({ error: 'BAD_REQUEST', message: (e as Error).message });
    }
  });
  router.get(
    '/orgs/:orgId',
    withOrg((org, _req, res) => res.json(describeOrg(org))),
  );
  router.post(
    '/orgs/:orgId/users',
    withOrg((org, req, res) => {
      res.status(201).json(formatFields(store.createUser(org, newUser.parse(req.body)).fields));
    }),
  );
  router.post(
    '/orgs/:orgId/contacts',
    withOrg((org, req, res) => {
      res.status(201).json(formatFields(store.createPerson(org, 'Contact', newPerson.parse(req.body))));
    }),
  );
  router.post(
    '/orgs/:orgId/leads',
    withOrg((org, req, res) => {
      res.status(201).json(formatFields(store.createPerson(org, 'Lead', newPerson.parse(req.body))));
    }),
  );
  router.post(
    '/orgs/:orgId/accounts',
    withOrg((org, req, res) => {
      res.status(201).json(formatFields(store.createAccount(org, newAccount.parse(req.body).name)));
    }),
  );
  router.put(
    '/orgs/:orgId/query-page-size',
    withOrg((org, req, res) => {
      org.queryPageSize = pageSize.parse(req.body).queryPageSize;
      res.json(describeOrg(org));
    }),
  );
  router.put(
    '/orgs/:orgId/api-usage',
    withOrg((org, req, res) => {
      const update = usage.parse(req.body);
      if (update.dailyApiLimit !== undefined) org.dailyApiLimit = update.dailyApiLimit;
      if (update.used !== undefined)
        org.apiUsage = { day: new Date(clock.nowMs()).toISOString().slice(0, 10), used: update.used };
      res.json(describeOrg(org));
    }),
  );

  // Every task, the recycle bin included, with what the REST API does not show: deletedAt and the writer's client.
  // `?since=ISO`: only the tasks whose SystemModstamp is at or after it.
  router.get(
    '/orgs/:orgId/tasks',
    withOrg((org, req, res) => {
      store.purgeRecycleBin(org);
      const since = sinceOf(req);
      res.json(
        org.tasks
          .listByModstamp()
          .filter((t) => (t.fields.SystemModstamp as number) >= since)
          .map((t) => ({
            ...formatFields(t.fields, taskDateTimes(org)),
            deletedAt: t.deletedAt === null ? null : formatSfdcDateTime(t.deletedAt),
            lastModifiedByClient: t.lastModifiedByClient,
          })),
      );
    }),
  );
  // One task, or an array of them (a benchmark seeds 100,000 in a few calls).
  router.post(
    '/orgs/:orgId/tasks',
    withOrg((org, req, res) => {
      const seedOne = (body: unknown) => {
        const input = seedTask.parse(body);
        const owner = input.OwnerId ?? ([...org.users.keys()][0] as string | undefined) ?? null;
        const now = toWholeSecond(clock.nowMs());
        const id = store.nextId(KEY_PREFIX.Task);
        const status = input.Status ?? defaultTaskStatus(org.taskStatuses);
        const fields: Fields = {
          ...newTaskDefaults(org.taskFields),
          Id: id,
          ...input,
          AccountId: deriveAccountId(input.WhatId),
          Status: status,
          OwnerId: owner,
          IsClosed: isClosedStatus(org.taskStatuses, status),
          IsDeleted: false,
          CreatedDate: now,
          CreatedById: owner,
          LastModifiedDate: now,
          LastModifiedById: owner,
          SystemModstamp: now,
        };
        org.tasks.insert({ fields, deletedAt: null, lastModifiedByClient: 'sandbox-admin' });
        return formatFields(fields, taskDateTimes(org));
      };
      if (Array.isArray(req.body)) {
        const bodies = z.array(seedTask).max(20_000).parse(req.body);
        res.status(201).json(bodies.map(seedOne));
        return;
      }
      res.status(201).json(seedOne(req.body));
    }),
  );
  // Salesforce's archive job: archived tasks leave `query` (queryAll and retrieve still see them).
  // Answers the ids this call archived; an id that is not a live task of the org archives nothing.
  router.post(
    '/orgs/:orgId/tasks/archive',
    withOrg((org, req, res) => {
      const input = archiveTasks.parse(req.body ?? {});
      let ids: string[];
      if (input.ids) {
        ids = input.ids.map((raw) => {
          const task = isSalesforceIdShape(raw) ? org.tasks.get(toId18(raw)) : undefined;
          if (!task || task.deletedAt !== null) throw new Error(`${raw} is not a live task of org ${org.id}`);
          return task.fields.Id as string;
        });
      } else {
        ids = selectTasksToArchive(org.tasks.listByModstamp(), clock.nowMs(), input.olderThanDays);
      }
      res.json({ archived: ids.filter((id) => org.tasks.archive(id)) });
    }),
  );
  // Empty Recycle Bin (or Salesforce purging a full one early): getDeleted's log then starts at `before`.
  router.post(
    '/orgs/:orgId/recycle-bin/purge',
    withOrg((org, req, res) => {
      const input = purgeRecycleBin.parse(req.body ?? {});
      const now = clock.nowMs();
      const before = input.before === undefined ? now : parseSfdcDateTime(input.before);
      if (before === null) throw new Error('before must be an ISO date-time');
      if (before > now) throw new Error('before must not be later than the sandbox clock');
      const purged = store.emptyRecycleBin(org, before);
      res.json({
        purged,
        earliestDateAvailable: formatSfdcDateTime(earliestDateAvailable(now, org.recycleBinPurgedBefore)),
      });
    }),
  );
  // `?since=ISO`: only the changes committed at or after it.
  router.get(
    '/orgs/:orgId/changes',
    withOrg((org, req, res) => {
      const since = sinceOf(req);
      res.json(
        org.changes
          .filter((c) => c.commitTimestamp >= since)
          .map((c) => ({ ...c, commitTimestamp: formatSfdcDateTime(c.commitTimestamp) })),
      );
    }),
  );

  router.post('/connected-apps', (req, res) => {
    const parsed = newApp.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: 'BAD_REQUEST', message: z.prettifyError(parsed.error) });
    res.status(201).json(store.createApp(parsed.data));
  });

  // Fault: every access token dies now; clients must refresh.
  router.post('/sessions/expire', (_req, res) => {
    res.json({ expired: sessions.expireAllAccessTokens() });
  });

  return router;
}
