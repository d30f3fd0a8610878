import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { json, type Express, type NextFunction, type Request, type Response } from 'express';
import {
  CallCounter,
  createAdminRouter,
  FaultInjector,
  loadSnapshot,
  SandboxClock,
  saveSnapshot,
} from '@task-sync/util-sandbox-kit';
import { createApiDirectoryRouter } from './api-directory.router';
import { createApiGuard } from './api-guard.middleware';
import { ChangeEventBus, type ChangeEventsSnapshot } from './change-events/change-event.bus';
import { createChangeEventsAdminRouter } from './change-events/change-events-admin.router';
import { createCometdRouter } from './cometd/cometd.router';
import { DEFAULT_CONNECT_TIMEOUT_MS, StreamingServer } from './cometd/streaming.server';
import { sObjectCollectionsRoutes } from './sobject-collections.router';
import { createCompositeResourceRouter } from './composite-resource.router';
import { createLimitsRouter } from './limits.router';
import { createUiApiRouter } from './ui-api.router';
import { createOAuthRouter, instanceUrlOf } from './oauth.router';
import { createHostsAdminRouter, ROOT_HOST } from './hosts-admin.router';
import { selectSalesforceHost } from './salesforce-host';
import { OrgStore, type SnapshotState } from './org.store';
import { createOrgRulesAdminRouter } from './org-rules/org-rules-admin.router';
import { queryRoutes } from './query.router';
import { QueryCursorStore } from './query-cursor.store';
import { createSalesforceAdminRouter } from './salesforce-admin.router';
import { createOrgShapeAdminRouter } from './org-shape.router';
import { createMetadataSoapRouter, DeployStore } from './metadata/metadata-soap.router';
import { SessionStore, type SessionSnapshot } from './session.store';
import { SfdcError, sendSfdcError } from './sfdc-error';
import { sObjectRoutes } from './sobject.router';
import { createRestRouter } from './rest-route';
import { TaskDml } from './task-dml';

export interface SalesforceSandboxOptions {
  /** Access token lifetime; after it, calls answer 401 INVALID_SESSION_ID. */
  tokenTtlSeconds?: number;
  dailyApiLimit?: number;
  /** JSON file the whole state is loaded from at start and written to by `close()` and `/__admin/snapshot`. */
  snapshotFile?: string | null;
  clock?: SandboxClock;
  /** Change Data Capture: each org's daily event delivery allocation (default 25,000). */
  dailyEventDeliveryAllocation?: number;
  /** How long the Streaming API holds a /meta/connect with nothing to deliver (default 110 s, Salesforce's advice). */
  streamingConnectTimeoutMs?: number;
}

export interface SalesforceSandbox {
  app: Express;
  store: OrgStore;
  sessions: SessionStore;
  clock: SandboxClock;
  faults: FaultInjector;
  calls: CallCounter;
  /** Change Data Capture: the org-wide change-event streams and the Streaming API's sessions. */
  changeEvents: ChangeEventBus;
  streaming: StreamingServer;
  /** The default org, user, admin user (View All Data) and connected app (the same ids after every reset). */
  defaults: {
    orgId: string;
    userId: string;
    username: string;
    password: string;
    adminUserId: string;
    adminUsername: string;
    adminPassword: string;
    clientId: string;
    clientSecret: string;
  };
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
  reset(): void;
  snapshot(): string | null;
}

interface FullSnapshot {
  store: SnapshotState;
  sessions: SessionSnapshot;
  /** Absent in snapshots written before Change Data Capture existed. */
  changeEvents?: ChangeEventsSnapshot;
}

/** A local Salesforce REST API (OAuth, query, sObjects, sObject Collections, Composite) that jsforce 3 uses unmodified. */
export function createSalesforceSandbox(options: SalesforceSandboxOptions = {}): SalesforceSandbox {
  const clock = options.clock ?? new SandboxClock();
  const faults = new FaultInjector();
  const calls = new CallCounter();
  // Calls by Salesforce host (the root, or /hosts/<host>): a moved org's old host must see none.
  const hostCalls = new CallCounter();
  const store = new OrgStore(clock, options.dailyApiLimit ?? 100_000);
  const sessions = new SessionStore(clock, (options.tokenTtlSeconds ?? 7200) * 1000);
  const cursors = new QueryCursorStore(clock);
  const dml = new TaskDml(store, clock, faults);
  const deploys = new DeployStore();
  const snapshotFile = options.snapshotFile ?? null;
  const changeEvents = new ChangeEventBus(clock, {
    dailyDeliveryAllocation: options.dailyEventDeliveryAllocation,
    taskFieldsOf: (orgId) => store.orgs.get(orgId)?.taskFields,
  });
  // Every org's task store reports its writes (API, admin seeding, undelete) to the change-event stream.
  store.taskObserverFor = (orgId) => changeEvents.observerFor(orgId);
  const streaming = new StreamingServer({
    store,
    events: changeEvents,
    connectTimeoutMs: options.streamingConnectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });

  const seeded = store.seedDefaults();
  const defaults = {
    orgId: seeded.org.id,
    userId: seeded.user.fields.Id as string,
    username: seeded.user.fields.Username as string,
    password: seeded.user.password,
    adminUserId: seeded.admin.fields.Id as string,
    adminUsername: seeded.admin.fields.Username as string,
    adminPassword: seeded.admin.password,
    clientId: seeded.app.clientId,
    clientSecret: seeded.app.clientSecret,
  };
  const saved = snapshotFile ? loadSnapshot<FullSnapshot>(snapshotFile) : undefined;
  if (saved) {
    store.loadJSON(saved.store);
    sessions.loadJSON(saved.sessions);
    if (saved.changeEvents) changeEvents.loadJSON(saved.changeEvents);
  }

  const reset = (): void => {
    streaming.clear();
    changeEvents.clear();
    store.clear();
    store.seedDefaults();
    sessions.clear();
    cursors.clear();
    deploys.clear();
    calls.reset();
    hostCalls.reset();
    faults.reset();
  };
  const snapshot = (): string | null => {
    if (!snapshotFile) return null;
    saveSnapshot(snapshotFile, {
      store: store.toJSON(),
      sessions: sessions.toJSON(),
      changeEvents: changeEvents.toJSON(),
    } satisfies FullSnapshot);
    return snapshotFile;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__admin', createAdminRouter({ clock, faults, calls, reset, snapshot }));
  app.use('/__admin/salesforce', createSalesforceAdminRouter({ store, sessions, clock }));
  app.use('/__admin/salesforce', createChangeEventsAdminRouter({ store, clock, events: changeEvents, streaming }));
  app.use('/__admin/salesforce', createOrgShapeAdminRouter({ store }));
  app.use('/__admin/salesforce', createOrgRulesAdminRouter({ store, clock }));
  app.use('/__admin/salesforce', createHostsAdminRouter({ store, hostCalls }));

  // For process supervisors (npm start): the sandbox is ready as soon as it listens.
  app.get(['/health/live', '/health/ready'], (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Everything Salesforce serves, at the root (login.salesforce.com, and orgs without a My Domain) and as each host.
  const salesforce = express.Router();
  salesforce.use('/services/oauth2', createOAuthRouter({ store, sessions, clock, calls }));
  // The Streaming API (CometD) for Change Data Capture; not counted against the API request limit, as in Salesforce.
  salesforce.use('/cometd', createCometdRouter({ store, sessions, streaming }));
  // The Metadata API (SOAP), as jsforce's conn.metadata calls it: deploy and checkDeployStatus.
  salesforce.use('/services/Soap/m', createMetadataSoapRouter({ store, sessions, clock, calls, deploys }));
  salesforce.get('/services/data', (_req, res) => {
    res.json(
      ['58.0', '59.0', '60.0', '61.0', '62.0'].map((v) => ({
        label: 'Sandbox',
        url: `/services/data/v${v}`,
        version: v,
      })),
    );
  });
  salesforce.get('/id/:orgId/:userId', (req, res) => {
    const org = store.getOrg(String(req.params.orgId));
    const user = org?.users.get(String(req.params.userId));
    if (!org || !user)
      return sendSfdcError(res, new SfdcError(404, 'NOT_FOUND', 'The requested resource does not exist'));
    res.json({
      id: `${instanceUrlOf(req)}/id/${org.id}/${user.fields.Id as string}`,
      user_id: user.fields.Id,
      organization_id: org.id,
      username: user.fields.Username,
      email: user.fields.Email,
      display_name: user.fields.Name,
      timezone: user.fields.TimeZoneSidKey,
    });
  });

  const data = express.Router({ mergeParams: true });
  data.use(createApiGuard({ store, sessions, clock, faults, calls }));
  data.use(json({ limit: '50mb' }));
  // query, sObject Collections and sObject resources: one route table, which Express serves.
  const restRoutes = [
    ...queryRoutes({ store, cursors, clock, events: changeEvents }),
    ...sObjectCollectionsRoutes({ dml }),
    ...sObjectRoutes({ store, clock, dml }),
  ];
  data.use(createRestRouter(restRoutes));
  // Composite: up to 25 of those calls in one request, counted as one API call.
  data.use(createCompositeResourceRouter({ routes: restRoutes }));
  data.use(createLimitsRouter({ clock }));
  data.use(createUiApiRouter());
  data.use(createApiDirectoryRouter());
  data.use((_req: Request, res: Response) =>
    sendSfdcError(res, new SfdcError(404, 'NOT_FOUND', 'The requested resource does not exist')),
  );
  salesforce.use('/services/data/:version', data);
  app.use(
    '/hosts/:host',
    selectSalesforceHost(store, (host) => hostCalls.record('call', host)),
    salesforce,
  );
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    hostCalls.record('call', ROOT_HOST);
    next();
  }, salesforce);

  // Bodies that are not JSON answer as Salesforce does.
  app.use((err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.parse.failed')
      return sendSfdcError(
        res,
        new SfdcError(400, 'JSON_PARSER_ERROR', `The request body is not valid JSON: ${err.message}`),
      );
    sendSfdcError(res, err);
  });

  let server: Server | null = null;
  return {
    app,
    store,
    sessions,
    clock,
    faults,
    calls,
    changeEvents,
    streaming,
    defaults,
    reset,
    snapshot,
    listen(port: number, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host, (error?: Error) => {
          if (error) return reject(error);
          const bound = (s.address() as AddressInfo).port;
          // The Streaming API serves long polling only; faye's client probes WebSocket anyway.
          s.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
          resolve({ url: `http://${host}:${bound}`, port: bound });
        });
        server = s;
      });
    },
    async close() {
      streaming.close();
      snapshot();
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve, reject) => s.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
