import { z } from 'zod';
import type { SalesConnectTask } from '@task-sync/task-domain';
import type { SalesConnectTaskWrite } from '@task-sync/task-mapping';
import { httpTransport, type SalesConnectTransport, type TransportResponse } from './http-transport';
import { SalesConnectApiError, SalesConnectErrorCode, toSalesConnectErrorCode } from './salesconnect-api.error';
import {
  type ChangesPage,
  changesPageSchema,
  describeIssues,
  salesConnectTaskSchema,
  type WebhookDelivery,
  webhookDeliverySchema,
  type WebhookSubscription,
  webhookSubscriptionSchema,
} from './salesconnect-change.schema';

/** The header with which an integration app token acts for one user. */
export const ACTING_USER_HEADER = 'x-salesconnect-user';
/** The header naming the calling app; Sales Connect records it as the origin of our writes. */
export const CLIENT_APP_HEADER = 'x-client-app';

export interface SalesConnectClientOptions {
  /** e.g. `http://127.0.0.1:8620` (the sandbox). */
  baseUrl: string;
  /** An integration app token (acts for any user), or one user's API token. */
  token: string;
  /** Sent as `X-Client-App`; without it Sales Connect records the write as its own UI's. */
  clientApp?: string;
  /** Per request; a call with no answer by then fails as NETWORK_ERROR. Default 10 s. */
  timeoutMs?: number;
  /** Defaults to node:http(s) on kept-alive connections. */
  transport?: SalesConnectTransport;
}

/** Task ids one list call takes (`GET /v1/tasks?ids=`). */
export const LIST_BY_IDS_LIMIT = 200;

/** A create: `name` is required; `status` may be set, so an import keeps a completed state. */
export type NewSalesConnectTask = SalesConnectTaskWrite & { name: string };
/** A partial update; status changes go through complete/reopen. */
export type SalesConnectTaskPatch = Omit<SalesConnectTaskWrite, 'status'>;

/** `If-Match`: the version the caller last saw; a stale one fails with VERSION_CONFLICT. */
export interface WriteOptions {
  ifMatch?: number;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Validates a 2xx body; absent for calls answered with 204. */
  schema?: z.ZodType<T>;
}

const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

function retryAfterMs(header: string | null): number | null {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return null;
  return Number(header.trim()) * 1000;
}

/** The one place that talks HTTP: auth headers, timeouts, error bodies and response validation. */
class SalesConnectHttp {
  private readonly baseUrl: string;
  private readonly transport: SalesConnectTransport;

  constructor(
    private readonly options: SalesConnectClientOptions,
    private readonly actingUserId?: string,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.transport = options.transport ?? httpTransport();
  }

  withActingUser(userId: string): SalesConnectHttp {
    return new SalesConnectHttp({ ...this.options, transport: this.transport }, userId);
  }

  async request<T>(spec: RequestSpec<T>): Promise<{ body: T; header: TransportResponse['header'] }> {
    const url = new URL(`${this.baseUrl}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: TransportResponse;
    try {
      response = await this.transport({
        url,
        method: spec.method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.clientApp === undefined ? {} : { [CLIENT_APP_HEADER]: this.options.clientApp }),
          ...(this.actingUserId === undefined ? {} : { [ACTING_USER_HEADER]: this.actingUserId }),
          ...spec.headers,
        },
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        timeoutMs,
      });
    } catch (e) {
      const reason =
        e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeNetworkError(e);
      throw new SalesConnectApiError(
        SalesConnectErrorCode.NetworkError,
        null,
        `${spec.method} ${spec.path}: ${reason}`,
      );
    }
    const text = response.text;
    if (response.status < 200 || response.status > 299) throw this.toError(spec, response, text);
    if (spec.schema === undefined) return { body: undefined as T, header: response.header };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new SalesConnectApiError(
        SalesConnectErrorCode.InvalidResponse,
        response.status,
        `${spec.method} ${spec.path}: not JSON (${(e as Error).message})`,
      );
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      throw new SalesConnectApiError(
        SalesConnectErrorCode.InvalidResponse,
        response.status,
        `${spec.method} ${spec.path}: ${describeIssues(parsed.error)}`,
      );
    }
    return { body: parsed.data, header: response.header };
  }

  private toError(spec: RequestSpec<unknown>, response: TransportResponse, text: string): SalesConnectApiError {
    let body: Record<string, unknown> = {};
    try {
      const json: unknown = JSON.parse(text);
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) body = json as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's HTML page, say): reported below as UNEXPECTED_STATUS with the text.
    }
    const { error, message, ...details } = body;
    const code = toSalesConnectErrorCode(error) ?? SalesConnectErrorCode.UnexpectedStatus;
    const description = typeof message === 'string' ? message : text.slice(0, 200);
    return new SalesConnectApiError(
      code,
      response.status,
      `${spec.method} ${spec.path}: ${description}`,
      details,
      retryAfterMs(response.header('retry-after')),
    );
  }
}

function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // A transport over fetch (undici) puts the useful part (ECONNREFUSED …) in `cause`.
  return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
}

function ifMatchHeader(options: WriteOptions): Record<string, string> {
  return options.ifMatch === undefined ? {} : { 'if-match': String(options.ifMatch) };
}

/** Reading the change feed: with an app token the whole app's, with a user's token (or acting as one) that user's. */
async function listChanges(http: SalesConnectHttp, options: { cursor?: string; limit?: number }): Promise<ChangesPage> {
  const { body } = await http.request({
    method: 'GET',
    path: '/v1/changes',
    query: { cursor: options.cursor, limit: options.limit },
    schema: changesPageSchema,
  });
  return body;
}

/**
 * Every failure is a SalesConnectApiError. An integration app token reads the app-wide feed and
 * manages webhooks; `forUser(id)` acts as one user.
 */
export class SalesConnectClient {
  private readonly http: SalesConnectHttp;

  constructor(options: SalesConnectClientOptions) {
    this.http = new SalesConnectHttp(options);
  }

  forUser(userId: string): SalesConnectUserClient {
    return new SalesConnectUserClient(userId, this.http.withActingUser(userId));
  }

  /** One page of changes after `cursor` (from the oldest kept change without one). */
  listChanges(options: { cursor?: string; limit?: number } = {}): Promise<ChangesPage> {
    return listChanges(this.http, options);
  }

  async listWebhookSubscriptions(): Promise<WebhookSubscription[]> {
    const { body } = await this.http.request({
      method: 'GET',
      path: '/v1/webhooks/subscriptions',
      schema: itemsOf(webhookSubscriptionSchema),
    });
    return body.items;
  }

  /** No `userId`: every user's changes. */
  async createWebhookSubscription(input: { url: string; userId?: string }): Promise<WebhookSubscription> {
    const { body } = await this.http.request({
      method: 'POST',
      path: '/v1/webhooks/subscriptions',
      body: input,
      schema: webhookSubscriptionSchema,
    });
    return body;
  }

  async deleteWebhookSubscription(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v1/webhooks/subscriptions/${encodeURIComponent(id)}` });
  }

  async listWebhookDeliveries(options: { subscriptionId?: string } = {}): Promise<WebhookDelivery[]> {
    const { body } = await this.http.request({
      method: 'GET',
      path: '/v1/webhooks/deliveries',
      query: { subscriptionId: options.subscriptionId },
      schema: itemsOf(webhookDeliverySchema),
    });
    return body.items;
  }
}

/** The API acting as one user (`X-SalesConnect-User` with an app token): tasks and that user's feed. */
export class SalesConnectUserClient {
  constructor(
    readonly userId: string,
    private readonly http: SalesConnectHttp,
  ) {}

  listChanges(options: { cursor?: string; limit?: number } = {}): Promise<ChangesPage> {
    return listChanges(this.http, options);
  }

  async getTask(id: string): Promise<SalesConnectTask> {
    const { body } = await this.http.request({
      method: 'GET',
      path: `/v1/tasks/${encodeURIComponent(id)}`,
      schema: salesConnectTaskSchema,
    });
    return body;
  }

  /** Deleted tasks answer as tombstones while Sales Connect keeps them; an id it forgot is not answered. */
  async listTasksByIds(ids: readonly string[]): Promise<SalesConnectTask[]> {
    if (ids.length === 0 || ids.length > LIST_BY_IDS_LIMIT)
      throw new Error(`1 to ${LIST_BY_IDS_LIMIT} ids a call, not ${ids.length}`);
    const { body } = await this.http.request({
      method: 'GET',
      path: '/v1/tasks',
      query: { ids: ids.join(','), includeDeleted: 'true', limit: LIST_BY_IDS_LIMIT },
      schema: z.object({ items: z.array(salesConnectTaskSchema), nextCursor: z.string().nullable() }),
    });
    return body.items;
  }

  /**
   * With an `idempotencyKey` a retry (same key, same body, within 24 h) returns the task the
   * first call created (`replayed: true`) instead of creating another.
   */
  async createTask(
    input: NewSalesConnectTask,
    options: { idempotencyKey?: string } = {},
  ): Promise<{ task: SalesConnectTask; replayed: boolean }> {
    const { body, header } = await this.http.request({
      method: 'POST',
      path: '/v1/tasks',
      body: input,
      headers: options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
      schema: salesConnectTaskSchema,
    });
    return { task: body, replayed: header('idempotent-replayed') === 'true' };
  }

  async updateTask(id: string, patch: SalesConnectTaskPatch, options: WriteOptions = {}): Promise<SalesConnectTask> {
    const { body } = await this.http.request({
      method: 'PATCH',
      path: `/v1/tasks/${encodeURIComponent(id)}`,
      body: patch,
      headers: ifMatchHeader(options),
      schema: salesConnectTaskSchema,
    });
    return body;
  }

  async completeTask(id: string, options: WriteOptions = {}): Promise<SalesConnectTask> {
    const { body } = await this.http.request({
      method: 'POST',
      path: `/v1/tasks/${encodeURIComponent(id)}/complete`,
      headers: ifMatchHeader(options),
      schema: salesConnectTaskSchema,
    });
    return body;
  }

  async reopenTask(id: string, options: WriteOptions = {}): Promise<SalesConnectTask> {
    const { body } = await this.http.request({
      method: 'POST',
      path: `/v1/tasks/${encodeURIComponent(id)}/reopen`,
      headers: ifMatchHeader(options),
      schema: salesConnectTaskSchema,
    });
    return body;
  }

  async deleteTask(id: string, options: WriteOptions = {}): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/v1/tasks/${encodeURIComponent(id)}`,
      headers: ifMatchHeader(options),
    });
  }
}
