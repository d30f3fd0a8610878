import {
  ConnectorSettingsSessionClient,
  SalesforceSessionHandle,
  SalesforceTaskWriter,
  type ApiCallGate,
  type RecordResult,
  type TaskWriteBatch,
  type TaskWriteBatchResult,
} from '@task-sync/sfdc-client';
import {
  chooseSfdcStatus,
  mapFieldsToSfdcWrite,
  STANDARD_STATUS_MODEL,
  type OrgStatusModel,
} from '@task-sync/task-mapping';
import { guardOfSfdcWrite, mustHoldSfdcWrite, type CoalescedWrite, type SfdcWriteGuard } from '@task-sync/sync-rules';
import { salesforceIdKey, type TaskFields } from '@task-sync/task-domain';
import { agreedNow, type LinkIds } from './link-ids';
import type { OrgStatusCatalog } from './org-status-catalog';
import { outcomeOfSalesforceCallError, outcomeOfSalesforceRecordError, type WriteOutcome } from './write-outcome';

/** Salesforce sets TaskSubtype on create only: an update that carries it is refused (INVALID_FIELD_FOR_INSERT_UPDATE). */
function withoutSubtype(record: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...record };
  delete rest['TaskSubtype'];
  return rest;
}

const refusedForSubtype = (outcome: WriteOutcome | undefined): boolean =>
  outcome?.kind === 'dead-letter' &&
  outcome.code === 'INVALID_FIELD_FOR_INSERT_UPDATE' &&
  outcome.reason.includes('TaskSubtype');

/**
 * One Composite request a flush (one API call whatever the mix). Creates are upserts by
 * `SalesConnect_Task_Id__c`, so a repeat can never make a second task; updates carry
 * `If-Unmodified-Since` the last change the link read, so one over a person's unread edit is refused
 * (412) and held. The same request reads what the writes left (SystemModstamp), for the rules to
 * know a read from before the sync's own write (TaskLink.sfdcWrittenAt). Once the org's API
 * allocation is reached, the request is held and writes pause.
 */
export class SfdcWriteExecutor {
  private readonly writers = new Map<string, SalesforceTaskWriter>();

  constructor(
    private readonly sessions: ConnectorSettingsSessionClient,
    private readonly options: {
      apiVersion: string;
      clientName: string;
      calls?: ApiCallGate;
      statuses?: OrgStatusCatalog;
    },
  ) {}

  forget(connectionId: string): void {
    this.writers.delete(connectionId);
    this.options.statuses?.forget(connectionId);
  }

  async run(
    connectionId: string,
    writes: CoalescedWrite[],
    links: Map<string, LinkIds>,
  ): Promise<Map<CoalescedWrite, WriteOutcome>> {
    const outcomes = new Map<CoalescedWrite, WriteOutcome>();
    if (writes.length === 0) return outcomes;
    const writer = this.writerFor(connectionId);
    // The org's statuses are read only when a write opens or completes a task (cached per org).
    let statuses: OrgStatusModel = STANDARD_STATUS_MODEL;
    let recordTypeOf = new Map<string, string | null>();
    try {
      if (this.options.statuses && writes.some((w) => w.fields.open !== undefined))
        statuses = await this.options.statuses.modelFor(connectionId, writer);
      recordTypeOf = await this.holdWritesOverUnreadChanges(
        writer,
        writes,
        links,
        outcomes,
        statuses.recordTypes.size > 0,
      );
    } catch (e) {
      for (const w of writes) outcomes.set(w, outcomeOfSalesforceCallError(e));
      return outcomes;
    }
    writes = writes.filter((w) => !outcomes.has(w));
    let whoIds: Map<string, string>;
    try {
      whoIds = await writer.findWhoIds(writes.flatMap((w) => (w.fields.contactEmail ? [w.fields.contactEmail] : [])));
    } catch (e) {
      for (const w of writes) outcomes.set(w, outcomeOfSalesforceCallError(e));
      return outcomes;
    }
    const toRecord = (fields: Partial<TaskFields>, agreed?: TaskFields | null, sfdcTaskId?: string | null) => {
      // A task's own record type restricts its Status; a create gets the rep's default one.
      const recordTypeId = sfdcTaskId ? recordTypeOf.get(salesforceIdKey(sfdcTaskId)) : null;
      const { WhoEmail, ...rest } = mapFieldsToSfdcWrite(agreedNow(fields, agreed), (open) =>
        chooseSfdcStatus(statuses, open, recordTypeId),
      );
      return WhoEmail === undefined
        ? rest
        : { ...rest, WhoId: WhoEmail ? (whoIds.get(WhoEmail.toLowerCase()) ?? null) : null };
    };

    const upserts: CoalescedWrite[] = [];
    const updates: CoalescedWrite[] = [];
    const deletes: CoalescedWrite[] = [];
    for (const w of writes) {
      const ids = links.get(w.linkId);
      const record = toRecord(w.fields, ids?.agreedForSfdc);
      if (w.kind === 'none' || !ids || (w.kind === 'update' && Object.keys(record).length === 0))
        outcomes.set(w, { kind: 'done' });
      else if (w.kind === 'delete' && !ids.sfdcTaskId)
        outcomes.set(w, { kind: 'done' }); // never created there
      else if (w.kind === 'delete') deletes.push(w);
      else if (w.kind === 'update' && ids.sfdcTaskId) updates.push(w);
      else if (ids.salesConnectTaskId) upserts.push(w);
      else
        outcomes.set(w, {
          kind: 'dead-letter',
          code: 'NO_TARGET',
          reason: 'neither a Salesforce id nor a Sales Connect id to write by',
        });
    }

    const upsertOf = (w: CoalescedWrite, record: Record<string, unknown>) => ({
      externalId: links.get(w.linkId)?.salesConnectTaskId as string,
      fields: record,
    });
    const agreed = (w: CoalescedWrite) => links.get(w.linkId)?.agreedForSfdc;
    const batch: TaskWriteBatch = {
      upserts: upserts.map((w) =>
        upsertOf(
          w,
          w.kind === 'create' ? toRecord(w.fields, agreed(w)) : withoutSubtype(toRecord(w.fields, agreed(w))),
        ),
      ),
      updates: updates.map((w) => {
        const ids = links.get(w.linkId) as LinkIds;
        return {
          id: ids.sfdcTaskId as string,
          fields: withoutSubtype(toRecord(w.fields, ids.agreedForSfdc, ids.sfdcTaskId)),
          unmodifiedSince: ids.lastSeenSfdc ? Date.parse(ids.lastSeenSfdc) : null,
        };
      }),
      deletes: deletes.map((w) => links.get(w.linkId)?.sfdcTaskId as string),
    };
    let results: TaskWriteBatchResult;
    try {
      results = await writer.writeInOneCall(batch, this.options.clientName);
    } catch (e) {
      for (const w of [...upserts, ...updates, ...deletes]) outcomes.set(w, outcomeOfSalesforceCallError(e));
      return outcomes;
    }
    this.settleResults(outcomes, upserts, results.upserts, 'create', results.stamps);
    this.settleResults(outcomes, deletes, results.deletes, 'delete');
    updates.forEach((w, i) => {
      const r = results.updates[i];
      // Past the request's subrequests: not sent, it stays queued for the next flush.
      if (r === undefined) return;
      if (r.modifiedSince) {
        outcomes.set(w, {
          kind: 'hold',
          reason: `Salesforce changed the task after the last change read (${links.get(w.linkId)?.lastSeenSfdc ?? 'none'}): If-Unmodified-Since answered 412`,
        });
      } else this.settleResults(outcomes, [w], [r], 'update', results.stamps);
    });

    // A create refused for its TaskSubtype found the task there already (an earlier attempt landed, its
    // answer lost): it waits like an update if the task changed since, else goes again without it.
    const refused = upserts.filter((w) => w.kind === 'create' && refusedForSubtype(outcomes.get(w)));
    try {
      for (const w of refused) outcomes.delete(w);
      await this.holdByExternalId(writer, refused, links, outcomes);
    } catch (e) {
      for (const w of refused) outcomes.set(w, outcomeOfSalesforceCallError(e));
    }
    const landedBefore = refused.filter((w) => !outcomes.has(w));
    await this.call(outcomes, landedBefore, 'create', () =>
      writer.upsertByExternalId(landedBefore.map((w) => upsertOf(w, withoutSubtype(toRecord(w.fields, agreed(w)))))),
    );
    return outcomes;
  }

  /**
   * A person's edit the ingest has not read yet (the poll is up to POLL_INTERVAL_MS behind) would be
   * overwritten by a write decided without it, so an update waits while the task's SystemModstamp is
   * newer than the link's last Salesforce change. The same query answers each task's record type.
   */
  private async holdWritesOverUnreadChanges(
    writer: SalesforceTaskWriter,
    writes: CoalescedWrite[],
    links: Map<string, LinkIds>,
    outcomes: Map<CoalescedWrite, WriteOutcome>,
    withRecordType: boolean,
  ): Promise<Map<string, string | null>> {
    const recordTypes = new Map<string, string | null>();
    // An update by id is held by its own If-Unmodified-Since in the Composite request (guardOfSfdcWrite says which are read first).
    const guards = new Map(
      writes.map((w) => [
        w,
        guardOfSfdcWrite(
          { kind: w.kind, setsStatus: w.fields.open !== undefined },
          links.get(w.linkId),
          withRecordType,
        ),
      ]),
    );
    const guardedBy = (guard: SfdcWriteGuard) => writes.filter((w) => guards.get(w) === guard);
    // The link itself knows the task changed after its last read (the sync's own write not read back): a 412 for certain.
    for (const w of guardedBy('wait-for-read')) {
      const ids = links.get(w.linkId) as LinkIds;
      outcomes.set(w, {
        kind: 'hold',
        reason: `the sync's own write (${ids.sfdcWrittenAt ?? 'its create'}) is not read back yet (last change read: ${ids.lastSeenSfdc ?? 'none'}); sent now, If-Unmodified-Since would answer 412`,
      });
    }
    const checked = guardedBy('read-first');
    if (checked.length > 0) {
      const read = await writer.readStampsAndRecordTypes(
        checked.map((w) => links.get(w.linkId)?.sfdcTaskId as string),
        withRecordType,
      );
      for (const w of checked) {
        const ids = links.get(w.linkId) as LinkIds;
        const task = read.get(salesforceIdKey(ids.sfdcTaskId as string));
        if (task) recordTypes.set(salesforceIdKey(ids.sfdcTaskId as string), task.recordTypeId);
        if (mustHoldSfdcWrite(task?.stamp, ids.lastSeenSfdc))
          outcomes.set(w, {
            kind: 'hold',
            reason: `Salesforce changed the task at ${new Date(task?.stamp as number).toISOString()}, after the last change read (${ids.lastSeenSfdc})`,
          });
      }
    }
    await this.holdByExternalId(writer, guardedBy('by-external-id'), links, outcomes);
    return recordTypes;
  }

  /**
   * A task already there by external id (our create landed, its answer lost) may have been edited
   * since: the write waits as above, and the link learns the task's id.
   */
  private async holdByExternalId(
    writer: SalesforceTaskWriter,
    writes: CoalescedWrite[],
    links: Map<string, LinkIds>,
    outcomes: Map<CoalescedWrite, WriteOutcome>,
  ): Promise<void> {
    if (writes.length === 0) return;
    const found = await writer.readModstampsByExternalId(
      writes.map((w) => links.get(w.linkId)?.salesConnectTaskId as string),
    );
    for (const w of writes) {
      const ids = links.get(w.linkId) as LinkIds;
      const there = found.get(ids.salesConnectTaskId as string);
      if (there && mustHoldSfdcWrite(there.stamp, ids.lastSeenSfdc)) {
        outcomes.set(w, {
          kind: 'hold',
          sfdcTaskId: there.id,
          reason: `the task is in Salesforce already (${there.id}, changed at ${new Date(there.stamp).toISOString()}), not read yet`,
        });
      }
    }
  }

  private async call(
    outcomes: Map<CoalescedWrite, WriteOutcome>,
    writes: CoalescedWrite[],
    kind: 'create' | 'update' | 'delete',
    send: () => Promise<RecordResult[]>,
  ): Promise<void> {
    if (writes.length === 0) return;
    let results: RecordResult[];
    try {
      results = await send();
    } catch (e) {
      for (const w of writes) outcomes.set(w, outcomeOfSalesforceCallError(e));
      return;
    }
    this.settleResults(outcomes, writes, results, kind);
  }

  private settleResults(
    outcomes: Map<CoalescedWrite, WriteOutcome>,
    writes: CoalescedWrite[],
    results: RecordResult[],
    kind: 'create' | 'update' | 'delete',
    stamps?: Map<string, number>,
  ): void {
    writes.forEach((w, i) => {
      const r = results[i];
      const stamp = r?.id ? stamps?.get(salesforceIdKey(r.id)) : undefined;
      if (!r || r.errorCode === 'NO_RESULT') outcomes.set(w, { kind: 'retry', reason: 'no result for this record' });
      else if (r.ok)
        outcomes.set(w, {
          kind: 'done',
          ...(r.id && kind === 'create' ? { createdId: r.id } : {}),
          ...(stamp !== undefined ? { sfdcWrittenAt: new Date(stamp).toISOString() } : {}),
        });
      else
        outcomes.set(
          w,
          outcomeOfSalesforceRecordError(
            r.errorCode ?? 'UNKNOWN',
            r.message ?? '',
            w.kind === 'create' ? 'create' : kind,
          ),
        );
    });
  }

  private writerFor(connectionId: string): SalesforceTaskWriter {
    let writer = this.writers.get(connectionId);
    if (!writer) {
      writer = new SalesforceTaskWriter(
        new SalesforceSessionHandle(connectionId, this.sessions, {
          apiVersion: this.options.apiVersion,
          clientName: this.options.clientName,
          calls: this.options.calls,
        }),
      );
      this.writers.set(connectionId, writer);
    }
    return writer;
  }
}
