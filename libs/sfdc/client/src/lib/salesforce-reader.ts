import type { Connection } from 'jsforce';
import { salesforceIdKey, sameSalesforceId, uniqueSalesforceIds } from '@task-sync/task-domain';
import { retry } from '@task-sync/util-async';
import { TASK_BY_ID_FIELDS, buildDeletedInBinQuery, type TaskRecordById } from './org-read-soql';
import { SalesforceError, SalesforceErrorCode, classifySalesforceError } from './salesforce-error';
import type { SalesforceSessionHandle } from './salesforce-session';
import { TASKS_BY_ID_LIMIT, buildTasksByIdQuery, buildWhoEmailQueries, type TaskRecord } from './task-soql';

export interface ApiUsage {
  used: number;
  limit: number;
}

/** One subrequest's answer in a Composite call. */
export type CompositeAnswer = { ok: true; body: unknown } | { ok: false; error: SalesforceError };

export interface DeletedRecord {
  id: string;
  deletedDate: string;
}

export interface ReaderOptions {
  retryAttempts: number;
  retryBaseMs: number;
  /** The org's API budget: told every Sforce-Limit-Info, asked before every call (throws when it is spent). */
  budget: { record(orgId: string, usage: ApiUsage): void; check(orgId: string): 'go' | 'probe' };
}

/** Every failure is a SalesforceError. */
export interface SalesforceReads {
  identity(): Promise<{ orgId: string; userId: string }>;
  lastApiUsage(): ApiUsage | undefined;
  query<T>(soql: string, all?: boolean): Promise<{ records: T[]; totalSize: number; morePages: boolean }>;
  queryTasks(soql: string, all?: boolean): Promise<{ records: TaskRecord[]; morePages: boolean }>;
  readTasksByIds(ids: readonly string[]): Promise<TaskRecordById[]>;
  count(soql: string, all?: boolean): Promise<number>;
  composite(apiVersion: string, reads: { referenceId: string; url: string }[]): Promise<Map<string, CompositeAnswer>>;
  getDeleted(start: Date, end: Date): Promise<{ deletedRecords: DeletedRecord[]; latestDateCovered: string }>;
  keepOwnDeletes(ownerId: string, deleted: DeletedRecord[]): Promise<DeletedRecord[]>;
  ownersInBin(ids: readonly string[]): Promise<Map<string, string>>;
  resolveWhoEmails(records: readonly TaskRecord[]): Promise<Map<string, string | null>>;
}

/**
 * jsforce retries a 401 once after `refreshFn`; transient failures are retried here with doubling
 * backoff, a bounded number of times.
 */
export class SalesforceReader implements SalesforceReads {
  private orgId?: string;
  private readonly whoEmails = new Map<string, string | null>();

  constructor(
    private readonly handle: SalesforceSessionHandle,
    private readonly options: ReaderOptions,
  ) {}

  /** The org's usage as the last answer said, for status reports. */
  lastApiUsage(): ApiUsage | undefined {
    return this.handle.apiUsage();
  }

  async identity(): Promise<{ orgId: string; userId: string }> {
    const session = await this.session();
    return { orgId: session.orgId, userId: session.userId };
  }

  /**
   * One page: the SOQL carries its own LIMIT, so no query locator is kept. Salesforce may answer
   * fewer rows than the LIMIT and `done: false` (large fields shrink its batches): `morePages`
   * says so, and the caller reads on from the last row instead of taking the page for the last.
   */
  async query<T>(soql: string, all = false): Promise<{ records: T[]; totalSize: number; morePages: boolean }> {
    return this.call(async (conn) => {
      // scanAll: the queryAll resource, which also returns deleted (recycle bin) and archived tasks.
      const result = await conn.query<T & Record<string, unknown>>(soql, { autoFetch: false, scanAll: all });
      return { records: result.records as T[], totalSize: result.totalSize, morePages: !result.done };
    });
  }

  /** `all`: queryAll, which also returns deleted tasks (in the recycle bin) and archived ones. */
  async queryTasks(soql: string, all = false): Promise<{ records: TaskRecord[]; morePages: boolean }> {
    return this.query<TaskRecord>(soql, all);
  }

  /**
   * For change events that do not carry the whole record. queryAll, so a deleted task in the recycle
   * bin answers too (IsDeleted); a purged id is not answered.
   */
  async readTasksByIds(ids: readonly string[]): Promise<TaskRecordById[]> {
    // One event names 18-character ids, another may name 15: the same record once.
    const unique = uniqueSalesforceIds(ids);
    const records: TaskRecordById[] = [];
    for (let i = 0; i < unique.length; i += TASKS_BY_ID_LIMIT) {
      let pending = unique.slice(i, i + TASKS_BY_ID_LIMIT);
      while (pending.length > 0) {
        const page = await this.query<TaskRecordById>(buildTasksByIdQuery(pending, TASK_BY_ID_FIELDS), true);
        records.push(...page.records);
        if (!page.morePages) break;
        // Salesforce may answer fewer rows than asked (done: false): ask again for the ids not answered yet.
        const answered = new Set(page.records.map((r) => salesforceIdKey(r.Id)));
        if (answered.size === 0)
          throw new SalesforceError(
            SalesforceErrorCode.Rejected,
            'a by-id read answered no row but said more would follow',
          );
        pending = pending.filter((id) => !answered.has(salesforceIdKey(id)));
      }
    }
    return records;
  }

  /** `all`: queryAll (archived and deleted tasks count too, unless the SOQL leaves them out). */
  async count(soql: string, all = false): Promise<number> {
    return (await this.query<never>(soql, all)).totalSize;
  }

  /**
   * Composite runs up to 25 subrequests (5 of them queries) as one API call. A refused subrequest
   * answers its error, for the caller to decide.
   */
  async composite(
    apiVersion: string,
    reads: { referenceId: string; url: string }[],
  ): Promise<Map<string, CompositeAnswer>> {
    return this.call(async (conn) => {
      const body = {
        allOrNone: false,
        compositeRequest: reads.map((r) => ({ method: 'GET', url: r.url, referenceId: r.referenceId })),
      };
      const answer = await conn.requestPost<{
        compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[];
      }>(`/services/data/v${apiVersion}/composite`, body);
      return new Map(
        answer.compositeResponse.map((r): [string, CompositeAnswer] => {
          if (r.httpStatusCode < 400) return [r.referenceId, { ok: true, body: r.body }];
          const [first] = (Array.isArray(r.body) ? r.body : [r.body]) as { errorCode?: string; message?: string }[];
          return [
            r.referenceId,
            {
              ok: false,
              error: classifySalesforceError({
                errorCode: first?.errorCode ?? `ERROR_HTTP_${r.httpStatusCode}`,
                message: first?.message ?? '',
              }),
            },
          ];
        }),
      );
    });
  }

  /** getDeleted: `latestDateCovered` is where the next call starts. */
  async getDeleted(start: Date, end: Date): Promise<{ deletedRecords: DeletedRecord[]; latestDateCovered: string }> {
    return this.call(async (conn) => {
      const answer = await conn.sobject('Task').deleted(start, end);
      return {
        deletedRecords: answer.deletedRecords.map((r) => ({ id: r.id, deletedDate: r.deletedDate })),
        latestDateCovered: answer.latestDateCovered,
      };
    });
  }

  /** Of these deleted ids, the ones still in the recycle bin under another owner are dropped (getDeleted answers for the whole org). */
  async keepOwnDeletes(ownerId: string, deleted: DeletedRecord[]): Promise<DeletedRecord[]> {
    const owners = deleted.length > 0 ? await this.ownersInBin(deleted.map((d) => d.id)) : new Map<string, string>();
    // Purged from the recycle bin already: the owner is unknown, so the delete is passed on (the reconciler acts only on linked tasks).
    return deleted.filter((d) => {
      const owner = owners.get(salesforceIdKey(d.id));
      return !owner || sameSalesforceId(owner, ownerId);
    });
  }

  /** Of these deleted ids, the owner of each still in the recycle bin (by its 15-character id); purged ones are not answered. */
  async ownersInBin(ids: readonly string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    for (let i = 0; i < ids.length; i += TASKS_BY_ID_LIMIT) {
      const inBin = await this.query<{ Id: string; OwnerId: string }>(
        buildDeletedInBinQuery(ids.slice(i, i + TASKS_BY_ID_LIMIT)),
        true,
      );
      for (const r of inBin.records) owners.set(salesforceIdKey(r.Id), r.OwnerId);
    }
    return owners;
  }

  /** The e-mail of each task's Contact or Lead (the mapping's contact), cached for the process's life. */
  async resolveWhoEmails(records: readonly TaskRecord[]): Promise<Map<string, string | null>> {
    const missing = [
      ...new Set(records.map((r) => r.WhoId).filter((id): id is string => !!id && !this.whoEmails.has(id))),
    ];
    for (let i = 0; i < missing.length; i += 200) {
      for (const soql of buildWhoEmailQueries(missing.slice(i, i + 200))) {
        const found = await this.query<{ Id: string; Email: string | null }>(soql);
        for (const r of found.records) this.whoEmails.set(r.Id, r.Email ?? null);
      }
      for (const id of missing.slice(i, i + 200)) if (!this.whoEmails.has(id)) this.whoEmails.set(id, null);
    }
    if (this.whoEmails.size > 50_000) this.whoEmails.clear();
    return this.whoEmails;
  }

  private async session() {
    try {
      const session = await this.handle.session();
      this.orgId = session.orgId;
      return session;
    } catch (e) {
      throw classifySalesforceError(e);
    }
  }

  private call<T>(run: (conn: Connection) => Promise<T>): Promise<T> {
    return retry(
      async () => {
        await this.session();
        const conn = await this.handle.open();
        await this.checkBudget(conn);
        try {
          return await run(conn);
        } catch (e) {
          throw classifySalesforceError(this.handle.takeRefreshFailure() ?? e);
        } finally {
          // Every answer, errors included, says how much of the org's limit is used.
          this.reportUsage(conn);
        }
      },
      {
        attempts: this.options.retryAttempts,
        baseDelayMs: this.options.retryBaseMs,
        maxDelayMs: Number.MAX_SAFE_INTEGER,
        shouldRetry: (e) => e instanceof SalesforceError && e.code === SalesforceErrorCode.Transient,
      },
    );
  }

  /** Paused orgs make no call; at the end of a pause one `limits` call reads the usage, and decides. */
  private async checkBudget(conn: Connection): Promise<void> {
    const orgId = this.orgId as string;
    if (this.options.budget.check(orgId) === 'go') return;
    try {
      await conn.limits();
    } catch (e) {
      this.reportUsage(conn);
      throw classifySalesforceError(this.handle.takeRefreshFailure() ?? e);
    }
    this.reportUsage(conn);
    this.options.budget.check(orgId);
  }

  private reportUsage(conn: Connection): void {
    const usage = conn.limitInfo?.apiUsage;
    if (usage && this.orgId) this.options.budget.record(this.orgId, { used: usage.used, limit: usage.limit });
  }
}
