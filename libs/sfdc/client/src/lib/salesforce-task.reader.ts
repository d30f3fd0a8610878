import { salesforceIdKey, uniqueSalesforceIds } from '@task-sync/task-domain';
import type { SalesforceSessionHandle } from './salesforce-session';
import { TASKS_BY_ID_LIMIT, buildTasksByIdQuery, buildWhoEmailQueries, type TaskRecord } from './task-soql';

/**
 * Each query is one call (`autoFetch` off), so a caller can bound a run: a short page is followed by a
 * query for the ids not answered yet, never by a query locator.
 */
export class SalesforceTaskReader {
  calls = 0;

  constructor(private readonly handle: SalesforceSessionHandle) {}

  /**
   * The tasks behind these ids, TASKS_BY_ID_LIMIT a call, by queryAll: a deleted task in the recycle
   * bin answers with IsDeleted and its deletion as SystemModstamp; one purged or hard-deleted is not answered.
   */
  async readTasksByIds(ids: readonly string[]): Promise<TaskRecord[]> {
    const records: TaskRecord[] = [];
    const unique = uniqueSalesforceIds(ids);
    for (let i = 0; i < unique.length; i += TASKS_BY_ID_LIMIT) {
      let pending = unique.slice(i, i + TASKS_BY_ID_LIMIT);
      while (pending.length > 0) {
        const page = await this.query<TaskRecord>(buildTasksByIdQuery(pending), true);
        records.push(...page.records);
        if (page.done) break;
        const answered = new Set(page.records.map((r) => salesforceIdKey(r.Id)));
        if (answered.size === 0) throw new Error('a by-id read answered no row but said more would follow');
        pending = pending.filter((id) => !answered.has(salesforceIdKey(id)));
      }
    }
    return records;
  }

  /** The e-mail of each Contact or Lead behind these WhoIds (null when it has none), TASKS_BY_ID_LIMIT ids a query. */
  async readWhoEmails(whoIds: readonly string[]): Promise<Map<string, string | null>> {
    const emails = new Map<string, string | null>();
    const unique = [...new Set(whoIds)];
    for (let i = 0; i < unique.length; i += TASKS_BY_ID_LIMIT) {
      const slice = unique.slice(i, i + TASKS_BY_ID_LIMIT);
      for (const soql of buildWhoEmailQueries(slice)) {
        for (const r of (await this.query<{ Id: string; Email: string | null }>(soql, false)).records)
          emails.set(r.Id, r.Email ?? null);
      }
      for (const id of slice) if (!emails.has(id)) emails.set(id, null);
    }
    return emails;
  }

  private async query<T>(soql: string, all: boolean): Promise<{ records: T[]; done: boolean }> {
    const conn = await this.handle.open();
    this.calls += 1;
    // scanAll: the queryAll resource, which also returns deleted (recycle bin) and archived tasks.
    const result = await conn.query<T & Record<string, unknown>>(soql, { autoFetch: false, scanAll: all });
    return { records: result.records as T[], done: result.done };
  }
}
