// A spec stand-in for Salesforce behind our reader interface: scripted pages, and a failure on demand.
import type {
  ApiUsage,
  CompositeAnswer,
  DeletedRecord,
  SalesforceReads,
  TaskRecord,
  TaskRecordById,
} from '@task-sync/sfdc-client';
import { FIXTURE_OWNER } from './sfdc-task.fixture';

type Page = { records: TaskRecord[]; morePages: boolean };

/** Answers each task query with the next scripted page (an empty last page once they run out), and records the SOQL asked. */
export class FakeSalesforceReads implements SalesforceReads {
  readonly asked: { soql: string; all: boolean }[] = [];
  readonly pages: Page[] = [];
  countAnswer = 0;
  deletedRecords: DeletedRecord[] = [];
  apiUsage: ApiUsage = { used: 10, limit: 1000 };
  private failure: unknown = null;

  constructor(private readonly user = { orgId: '00D000000000001AAA', userId: FIXTURE_OWNER }) {}

  /** The next task pages, in order. */
  answer(...pages: Page[]): this {
    this.pages.push(...pages);
    return this;
  }

  /** Every call from now on throws this (as SalesforceReader throws a classified SalesforceError). */
  failWith(error: unknown): void {
    this.failure = error;
  }

  async identity() {
    this.check();
    return this.user;
  }

  lastApiUsage(): ApiUsage {
    return this.apiUsage;
  }

  async query<T>(soql: string, all = false): Promise<{ records: T[]; totalSize: number; morePages: boolean }> {
    this.check();
    this.asked.push({ soql, all });
    // Only the recycle-bin read of deleted tasks asks by `query` here; the bin is empty.
    if (/IsDeleted = true/.test(soql)) return { records: [], totalSize: 0, morePages: false };
    const page = (this.pages.shift() as Page | undefined) ?? { records: [], morePages: false };
    return { records: page.records as T[], totalSize: page.records.length, morePages: page.morePages };
  }

  queryTasks(soql: string, all = false): Promise<Page> {
    return this.query<TaskRecord>(soql, all);
  }

  async count(soql: string, all = false): Promise<number> {
    this.check();
    this.asked.push({ soql, all });
    return this.countAnswer;
  }

  async getDeleted(): Promise<{ deletedRecords: DeletedRecord[]; latestDateCovered: string }> {
    this.check();
    return { deletedRecords: this.deletedRecords, latestDateCovered: '2026-11-24T10:00:00.000+0000' };
  }

  async keepOwnDeletes(_ownerId: string, deleted: DeletedRecord[]): Promise<DeletedRecord[]> {
    return deleted;
  }

  async ownersInBin(): Promise<Map<string, string>> {
    return new Map();
  }

  async resolveWhoEmails(): Promise<Map<string, string | null>> {
    return new Map();
  }

  async readTasksByIds(): Promise<TaskRecordById[]> {
    throw new Error('not scripted: the connection runner reads no task by id');
  }

  async composite(): Promise<Map<string, CompositeAnswer>> {
    throw new Error('not scripted: the connection runner makes no Composite call');
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
