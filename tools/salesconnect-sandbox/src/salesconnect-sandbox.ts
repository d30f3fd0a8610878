import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { json, type Express, type NextFunction, type Request, type Response } from 'express';
import {
  CallCounter,
  createAdminRouter,
  FaultInjector,
  loadSnapshot,
  SandboxClock,
  saveSnapshot,
} from '@task-sync/util-sandbox-kit';
import { sendError, sendValidationError } from './api-error';
import { apiGuard } from './api-guard.middleware';
import { ChangeFeed } from './change-feed';
import { createChangesRouter } from './changes.router';
import { createCommandCenterApiRouter, createCommandCenterPageRouter } from './command-center.router';
import { IdempotencyStore } from './idempotency.store';
import { type AppToken, authenticate, requireActingUser } from './request-context';
import { createSalesConnectAdminRouter } from './salesconnect-admin.router';
import { DEFAULT_APP_TOKENS } from './sandbox.config';
import { isSalesConnectSnapshot, type SalesConnectSnapshot } from './sandbox-state';
import { TaskService } from './task.service';
import { TaskStore } from './task.store';
import { createTasksRouter } from './tasks.router';
import type { User } from './user.model';
import { DEFAULT_TENANT_ID, type NewUser, UserStore } from './user.store';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSubscriptionStore } from './webhook-subscription.store';
import { createWebhooksRouter } from './webhooks.router';

/** Seeded on every start and after a reset; fixed id and token so local config keeps working. */
export const DEFAULT_USER: Required<NewUser> = {
  id: 'scu_default',
  tenantId: DEFAULT_TENANT_ID,
  email: 'rep@salesconnect.example',
  name: 'Default Rep',
  timeZone: 'America/Sao_Paulo',
  apiToken: 'sc_tok_default_sandbox_user',
};

export interface SalesConnectSandboxOptions {
  /** JSON file loaded at start and written by close() and `POST /__admin/snapshot`. */
  snapshotFile?: string;
  webhookSecret?: string;
  /** Change-feed retention, by the sandbox clock. */
  retentionDays?: number;
  webhookRetryBaseMs?: number;
  webhookRetryMaxMs?: number;
  webhookMaxAttempts?: number;
  webhookTimeoutMs?: number;
  defaultUser?: Partial<NewUser>;
  /** Integration apps whose token acts for any user; default: `task-sync` with `sc_app_task_sync_dev`. */
  appTokens?: readonly AppToken[];
  clock?: SandboxClock;
}

export interface SalesConnectSandbox {
  app: Express;
  clock: SandboxClock;
  faults: FaultInjector;
  calls: CallCounter;
  defaultUser: User;
  listen(port?: number, host?: string): Promise<{ url: string; port: number; host: string }>;
  /** Stops webhook retries and the server, then writes the snapshot when one is configured. */
  close(): Promise<void>;
  /** Writes the snapshot now; the file, or null when none is configured. */
  snapshot(): string | null;
}

export function createSalesConnectSandbox(options: SalesConnectSandboxOptions = {}): SalesConnectSandbox {
  const clock = options.clock ?? new SandboxClock();
  const faults = new FaultInjector();
  const calls = new CallCounter();
  const users = new UserStore();
  const store = new TaskStore();
  const feed = new ChangeFeed((options.retentionDays ?? 7) * 24 * 3600_000);
  const idempotency = new IdempotencyStore();
  const subscriptions = new WebhookSubscriptionStore();
  const dispatcher = new WebhookDispatcher(subscriptions, clock, faults, {
    secret: options.webhookSecret ?? 'sandbox-webhook-secret',
    retryBaseMs: options.webhookRetryBaseMs ?? 1000,
    retryMaxMs: options.webhookRetryMaxMs ?? 60_000,
    maxAttempts: options.webhookMaxAttempts ?? 8,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
  });
  const tasks = new TaskService(
    store,
    feed,
    dispatcher,
    idempotency,
    clock,
    (userId) => users.byId(userId)?.tenantId ?? DEFAULT_TENANT_ID,
  );
  const defaultUserInput: NewUser = { ...DEFAULT_USER, ...options.defaultUser };

  const seedDefaultUser = (): User =>
    users.byId(defaultUserInput.id ?? '') ?? users.create(defaultUserInput, clock.now());
  const reset = () => {
    dispatcher.clear();
    users.clear();
    store.clear();
    feed.clear();
    idempotency.clear();
    subscriptions.clear();
    calls.reset();
    seedDefaultUser();
  };
  const snapshot = (): string | null => {
    if (options.snapshotFile === undefined) return null;
    const state: SalesConnectSnapshot = {
      format: 'salesconnect-sandbox/1',
      users: users.list(),
      tasks: store.dump(),
      feed: feed.dump(),
      idempotencyKeys: idempotency.list(),
      subscriptions: subscriptions.list(),
      deliveries: dispatcher.dump(),
    };
    saveSnapshot(options.snapshotFile, state);
    return options.snapshotFile;
  };

  if (options.snapshotFile !== undefined) {
    const saved = loadSnapshot<unknown>(options.snapshotFile);
    if (saved !== undefined && !isSalesConnectSnapshot(saved))
      throw new Error(`${options.snapshotFile} is not a Sales Connect sandbox snapshot`);
    if (saved !== undefined) {
      users.load(saved.users);
      store.load(saved.tasks);
      feed.load(saved.feed);
      idempotency.load(saved.idempotencyKeys);
      subscriptions.load(saved.subscriptions);
      dispatcher.load(saved.deliveries);
    }
  }
  const defaultUser = seedDefaultUser();

  const app = express();
  app.disable('x-powered-by');
  app.get(['/health/live', '/health/ready'], (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/__admin/salesconnect', createSalesConnectAdminRouter({ users, store, feed, dispatcher, clock }));
  app.use('/__admin', createAdminRouter({ clock, faults, calls, reset, snapshot }));

  const api = express.Router();
  api.use(
    json({ limit: '1mb' }),
    authenticate(users, options.appTokens ?? DEFAULT_APP_TOKENS),
    apiGuard(calls, faults),
  );
  api.use('/tasks', requireActingUser(), createTasksRouter(tasks, store, faults));
  api.use('/changes', createChangesRouter(feed, clock));
  api.use('/webhooks', createWebhooksRouter(subscriptions, dispatcher, users, clock));
  api.use('/command-center', requireActingUser(), createCommandCenterApiRouter(store, clock));
  app.use('/v1', api);
  app.use(createCommandCenterPageRouter(users, store, clock));

  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such route'));
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    // body-parser marks its own errors (bad JSON, too large) with a 4xx status.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendValidationError(res, [{ field: 'body', message: (err as Error).message }]);
    }
    res.status(500).json({ error: 'INTERNAL', message: String(err) });
  });

  let server: Server | undefined;
  return {
    app,
    clock,
    faults,
    calls,
    defaultUser,
    snapshot,
    listen(port = 8620, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const s = createServer(app);
        s.once('error', reject);
        s.listen(port, host, () => {
          server = s;
          const address = s.address() as AddressInfo;
          resolve({ url: `http://${host}:${address.port}`, port: address.port, host });
        });
      });
    },
    async close() {
      dispatcher.stop();
      const s = server;
      server = undefined;
      if (s !== undefined) {
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      snapshot();
    },
  };
}
