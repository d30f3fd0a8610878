import { Connection } from 'jsforce';
import type { SalesforceSession } from '@task-sync/sfdc-oauth';
import type { ConnectorSettingsSessionClient } from './connector-settings-session.client';
import { SfdcIngestError, SfdcIngestErrorCode, classifySalesforceError } from './sfdc-ingest-error';
import { buildDeletedInBinQuery, buildWhoEmailQueries, type TaskRecord } from './soql';

export interface ApiUsage {
  used: number;
  limit: number;
}

export interface DeletedRecord {
  id: string;
  deletedDate: string;
}

export interface ReaderOptions {
  apiVersion: string;
  retryAttempts: number;
  retryBaseMs: number;
  /** The org's API budget: told every Sforce-Limit-Info, asked before every call (throws when it is spent). */
  budget: { record(orgId: string, usage: ApiUsage): void; check(orgId: string): 'go' | 'probe' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One connection's read access to Salesforce through jsforce, behind an interface of our own.
 * jsforce retries a 401 once after `refreshFn`, which asks connector-settings for a new session;
 * transient failures are retried here with doubling backoff, a bounded number of times.
 */
export class SalesforceReader {
  private connection?: Connection;
  private session?: SalesforceSession;
  /** jsforce wraps a failed refresh in a plain Error; the real reason is kept here. */
  private refreshFailure?: SfdcIngestError;
  private readonly whoEmails = new Map<string, string | null>();

  constructor(
    readonly connectionId: string,
    private readonly sessions: ConnectorSettingsSessionClient,
    private readonly options: ReaderOptions,
  ) {}

  /** The org's usage as the last answer said, for status reports. */
  lastApiUsage(): ApiUsage | undefined {
    return this.connection?.limitInfo?.apiUsage ? { ...this.connection.limitInfo.apiUsage } : undefined;
  }

  async identity(): Promise<{ orgId: string; userId: string }> {
    const session = await this.ensureSession();
    return { orgId: session.orgId, userId: session.userId };
  }

  /** One page: the SOQL carries its own LIMIT, so no query locator is kept. */
  async query<T>(soql: string, all = false): Promise<{ records: T[]; totalSize: number }> {
    return this.call(async (conn) => {
      // scanAll: the queryAll resource, which also returns deleted (recycle bin) and archived tasks.
      const result = await conn.query<T & Record<string, unknown>>(soql, { autoFetch: false, scanAll: all });
      return { records: result.records as T[], totalSize: result.totalSize };
    });
  }

  async queryTasks(soql: string): Promise<TaskRecord[]> {
    return (await this.query<TaskRecord>(soql)).records;
  }

  async count(soql: string): Promise<number> {
    return (await this.query<never>(soql)).totalSize;
  }

  /** getDeleted: `latestDateCovered` is where the next call starts. */
  async getDeleted(start: Date, end: Date): Promise<{ deletedRecords: DeletedRecord[]; latestDateCovered: string }> {
    return this.call(async (conn) => {
      const answer = await conn.sobject('Task').deleted(start, end);
      return { deletedRecords: answer.deletedRecords.map((r) => ({ id: r.id, deletedDate: r.deletedDate })), latestDateCovered: answer.latestDateCovered };
    });
  }

  /** Of these deleted ids, the ones still in the recycle bin under another owner are dropped (getDeleted answers for the whole org). */
  async keepOwnDeletes(ownerId: string, deleted: DeletedRecord[]): Promise<DeletedRecord[]> {
    const ownerKey = ownerId.slice(0, 15);
    const otherOwners = new Set<string>();
    for (let i = 0; i < deleted.length; i += 200) {
      const inBin = await this.query<{ Id: string; OwnerId: string }>(buildDeletedInBinQuery(deleted.slice(i, i + 200).map((d) => d.id)), true);
      for (const r of inBin.records) if (r.OwnerId.slice(0, 15) !== ownerKey) otherOwners.add(r.Id.slice(0, 15));
    }
    // Purged from the recycle bin already: the owner is unknown, so the delete is passed on (the reconciler acts only on linked tasks).
    return deleted.filter((d) => !otherOwners.has(d.id.slice(0, 15)));
  }

  /** The e-mail of each task's Contact or Lead (the mapping's contact), cached for the process's life. */
  async resolveWhoEmails(records: readonly TaskRecord[]): Promise<Map<string, string | null>> {
    const missing = [...new Set(records.map((r) => r.WhoId).filter((id): id is string => !!id && !this.whoEmails.has(id)))];
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

  private async ensureSession(): Promise<SalesforceSession> {
    if (!this.session) this.session = await this.sessions.obtain(this.connectionId);
    return this.session;
  }

  private async ensureConnection(): Promise<Connection> {
    if (this.connection) return this.connection;
    const session = await this.ensureSession();
    this.connection = new Connection({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken,
      version: this.options.apiVersion,
      refreshFn: (conn, callback) => {
        this.sessions.obtain(this.connectionId, conn.accessToken ?? undefined).then(
          (fresh) => {
            this.session = fresh;
            this.refreshFailure = undefined;
            callback(null, fresh.accessToken);
          },
          (e: unknown) => {
            this.refreshFailure = e instanceof SfdcIngestError ? e : classifySalesforceError(e);
            callback(e as Error);
          },
        );
      },
    });
    return this.connection;
  }

  private async call<T>(run: (conn: Connection) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const conn = await this.ensureConnection();
      await this.checkBudget(conn);
      let failure: SfdcIngestError | undefined;
      let result: T | undefined;
      try {
        result = await run(conn);
      } catch (e) {
        failure = this.refreshFailure ?? classifySalesforceError(e);
        this.refreshFailure = undefined;
      }
      // Every answer, errors included, says how much of the org's limit is used.
      this.reportUsage(conn);
      if (!failure) return result as T;
      if (failure.code !== SfdcIngestErrorCode.Transient || attempt >= this.options.retryAttempts) throw failure;
      await sleep(this.options.retryBaseMs * 2 ** (attempt - 1));
    }
  }

  /** Paused orgs make no call; at the end of a pause one `limits` call reads the usage, and decides. */
  private async checkBudget(conn: Connection): Promise<void> {
    const orgId = (this.session as SalesforceSession).orgId;
    if (this.options.budget.check(orgId) === 'go') return;
    try {
      await conn.limits();
    } catch (e) {
      this.reportUsage(conn);
      throw this.refreshFailure ?? classifySalesforceError(e);
    }
    this.reportUsage(conn);
    this.options.budget.check(orgId);
  }

  private reportUsage(conn: Connection): void {
    const usage = conn.limitInfo?.apiUsage;
    if (usage && this.session) this.options.budget.record(this.session.orgId, { used: usage.used, limit: usage.limit });
  }
}
