import { salesforceIdKey } from '@task-sync/task-domain';
import type { SalesforceSessionHandle } from './salesforce-session';
import { parseSalesforceDateTime } from './task-soql';
import {
  COLLECTION_LIMIT,
  EXTERNAL_ID_FIELD,
  toRecordResult as toResult,
  type JsforceSaveResult,
  type RecordResult,
} from './record-result';
import {
  buildTaskWriteComposite,
  readTaskWriteComposite,
  type CompositeSubrequestResult,
  type TaskWriteBatch,
  type TaskWriteBatchResult,
} from './task-write-composite';

/** Tasks from Sales Connect are upserted by `SalesConnect_Task_Id__c`, so a retry never creates a second. */
export class SalesforceTaskWriter {
  constructor(private readonly handle: SalesforceSessionHandle) {}

  /** One API call whatever the mix. Updates past 25 subrequests are `undefined`: they go next flush. */
  async writeInOneCall(batch: TaskWriteBatch, clientName?: string): Promise<TaskWriteBatchResult> {
    if (batch.upserts.length + batch.updates.length + batch.deletes.length === 0)
      return { upserts: [], updates: [], deletes: [], stamps: new Map() };
    const conn = await this.handle.open();
    const sent = buildTaskWriteComposite(batch, { apiVersion: conn.version, clientName });
    const answer = await conn.requestPost<{ compositeResponse?: CompositeSubrequestResult[] }>(
      `/services/data/v${conn.version}/composite`,
      sent.request,
    );
    return readTaskWriteComposite(batch, sent, answer);
  }

  async upsertByExternalId(
    records: { externalId: string; fields: Record<string, unknown> }[],
  ): Promise<RecordResult[]> {
    if (records.length === 0) return [];
    this.checkSize(records.length);
    const conn = await this.handle.open();
    const results = (await conn.sobject('Task').upsert(
      records.map((r) => ({ ...r.fields, [EXTERNAL_ID_FIELD]: r.externalId })),
      EXTERNAL_ID_FIELD,
      { allOrNone: false },
    )) as unknown as JsforceSaveResult[];
    return results.map(toResult);
  }

  /**
   * Each live task's SystemModstamp (ms) and, when `withRecordType` (an org with Task record types:
   * elsewhere the field does not exist), its `RecordTypeId`, by its 15-character id: one query for up to 200 ids.
   */
  async readStampsAndRecordTypes(
    ids: string[],
    withRecordType: boolean,
  ): Promise<Map<string, { stamp: number; recordTypeId: string | null }>> {
    const read = new Map<string, { stamp: number; recordTypeId: string | null }>();
    if (ids.length === 0) return read;
    this.checkSize(ids.length);
    const safe = ids.filter((id) => /^[a-zA-Z0-9]{15,18}$/.test(id));
    const conn = await this.handle.open();
    const answer = await conn.query<{ Id: string; SystemModstamp: string; RecordTypeId?: string | null }>(
      `SELECT Id, SystemModstamp${withRecordType ? ', RecordTypeId' : ''} FROM Task WHERE Id IN (${safe.map((id) => `'${id}'`).join(', ')})`,
    );
    for (const r of answer.records)
      read.set(salesforceIdKey(r.Id), {
        stamp: parseSalesforceDateTime(r.SystemModstamp),
        recordTypeId: r.RecordTypeId ?? null,
      });
    return read;
  }

  /** The org this rep's session belongs to (no Salesforce call: connector-settings' answer). */
  async orgId(): Promise<string> {
    return (await this.handle.session()).orgId;
  }

  /** The org's Task statuses: one query of `TaskStatus` (`ApiName`, `IsClosed`, `IsDefault`, `SortOrder`). */
  async readTaskStatuses(): Promise<{ value: string; closed: boolean; isDefault: boolean; sortOrder: number }[]> {
    const conn = await this.handle.open();
    const answer = await conn.query<{
      ApiName: string;
      IsClosed: boolean;
      IsDefault: boolean;
      SortOrder: number | null;
    }>('SELECT ApiName, IsClosed, IsDefault, SortOrder FROM TaskStatus');
    return answer.records.map((r, i) => ({
      value: r.ApiName,
      closed: r.IsClosed === true,
      isDefault: r.IsDefault === true,
      sortOrder: r.SortOrder ?? i,
    }));
  }

  /**
   * Task's record types as this rep may use them (describe's `recordTypeInfos`, Master left out) and
   * the rep's default; none in an org without Task record types. One call.
   */
  async readTaskRecordTypes(): Promise<{ ids: string[]; defaultId: string | null }> {
    const conn = await this.handle.open();
    const describe = (await conn.request(`/services/data/v${conn.version}/sobjects/Task/describe`)) as {
      recordTypeInfos?: {
        recordTypeId: string;
        master: boolean;
        available: boolean;
        defaultRecordTypeMapping: boolean;
      }[];
    };
    const own = (describe.recordTypeInfos ?? []).filter((rt) => !rt.master);
    return {
      ids: own.map((rt) => rt.recordTypeId),
      defaultId: own.find((rt) => rt.defaultRecordTypeMapping)?.recordTypeId ?? null,
    };
  }

  /**
   * The Status values a record type allows and its default: the UI API's picklist values (describe
   * lists every value whatever the record type). One call.
   */
  async readRecordTypeStatuses(recordTypeId: string): Promise<{ values: string[]; defaultValue: string | null }> {
    const conn = await this.handle.open();
    const answer = (await conn.request(
      `/services/data/v${conn.version}/ui-api/object-info/Task/picklist-values/${encodeURIComponent(recordTypeId)}/Status`,
    )) as { values?: { value: string }[]; defaultValue?: { value: string } | null };
    return { values: (answer.values ?? []).map((v) => v.value), defaultValue: answer.defaultValue?.value ?? null };
  }

  /**
   * The live tasks that carry these external ids (a create of ours that landed, its answer lost):
   * each one's Id and SystemModstamp (ms), by external id. One query for up to 200.
   */
  async readModstampsByExternalId(externalIds: string[]): Promise<Map<string, { id: string; stamp: number }>> {
    const found = new Map<string, { id: string; stamp: number }>();
    const safe = externalIds.filter((id) => /^[A-Za-z0-9_-]{1,255}$/.test(id));
    if (safe.length === 0) return found;
    this.checkSize(safe.length);
    const conn = await this.handle.open();
    const answer = await conn.query<{ Id: string; SystemModstamp: string } & Record<string, string>>(
      `SELECT Id, SystemModstamp, ${EXTERNAL_ID_FIELD} FROM Task WHERE ${EXTERNAL_ID_FIELD} IN (${safe.map((id) => `'${id}'`).join(', ')})`,
    );
    for (const r of answer.records)
      found.set(r[EXTERNAL_ID_FIELD], { id: r.Id, stamp: parseSalesforceDateTime(r.SystemModstamp) });
    return found;
  }

  /** Contacts, then Leads, by e-mail: the `WhoId` for a task's contact. */
  async findWhoIds(emails: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))].filter((e) => /^[^'\\\s]+@[^'\\\s]+$/.test(e));
    if (wanted.length === 0) return found;
    const conn = await this.handle.open();
    for (const type of ['Contact', 'Lead']) {
      const missing = wanted.filter((e) => !found.has(e));
      if (missing.length === 0) break;
      const answer = await conn.query<{ Id: string; Email: string | null }>(
        `SELECT Id, Email FROM ${type} WHERE Email IN (${missing.map((e) => `'${e}'`).join(', ')})`,
      );
      for (const r of answer.records)
        if (r.Email && !found.has(r.Email.toLowerCase())) found.set(r.Email.toLowerCase(), r.Id);
    }
    return found;
  }

  private checkSize(n: number): void {
    if (n > COLLECTION_LIMIT)
      throw new Error(`an sObject Collections call takes at most ${COLLECTION_LIMIT} records, not ${n}`);
  }
}
