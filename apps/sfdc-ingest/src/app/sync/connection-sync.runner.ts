import {
  type DeletedRecord,
  type SalesforceReads,
  SalesforceErrorCode,
  type SalesforceError,
  buildImportCountQuery,
  buildImportPageQuery,
  buildTaskPageQuery,
  ceilToMinute,
  ceilToSecond,
  floorToSecond,
  importReadWindow,
  parseSalesforceDateTime,
  type KeysetPosition,
  type TaskRecord,
} from '@task-sync/sfdc-client';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { salesforceIdKey } from '@task-sync/task-domain';
import {
  advancePollPosition,
  advanceSfdcStage,
  isDeleteAuditDue,
  planSfdcStep,
  pollLowerBound,
  pollOutcome,
  receivesChangeMadeAt,
  reenableDeleteWindow,
  type StepOutcome,
} from '@task-sync/sync-rules';
import type { KafkaPublisher, StatusReporter } from '@task-sync/util-nest';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import {
  DELETED,
  publishedChangeOf,
  type PublishedChange,
  type PublishedChangeRepository,
} from './published-change.repository';
import {
  buildReadMessages,
  buildSfdcDeleteEvent,
  toOutgoingMessage,
  type ReadSource,
  type ReadVia,
} from './sfdc-change.events';
import type { SfdcSyncState } from './sync-state';
import type { SfdcSyncStateRepository } from './sync-state.repository';

/** getDeleted answers at most a day a call. */
const DAY_MS = 24 * 3_600_000;

export type { StepOutcome };

/** One database transaction at a time: a DataSource is one, an in-memory test store another. */
export interface Transactions {
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/** The read position's transitions a step makes (SfdcSyncStateRepository's). */
export type SyncStateTransitions = Pick<
  SfdcSyncStateRepository,
  'recordImportCount' | 'recordImportPage' | 'finishReenableDeletes' | 'advancePoll' | 'recordDeleteAudit'
>;

/** What a step asks of and tells the published-change record (PublishedChangeRepository's). */
export type PublishedChanges = Pick<
  PublishedChangeRepository,
  'withoutPublished' | 'remember' | 'pruneBehindWatermarks'
>;

export type RunnerConfig = Pick<
  SfdcIngestConfig,
  'QUERY_PAGE_SIZE' | 'IMPORT_PAGE_SIZE' | 'POLL_LOOKBACK_MS' | 'DELETE_AUDIT_INTERVAL_MS'
>;

/** A page says there is more when the server cut it short or it filled the LIMIT. */
const hasMore = (page: { records: unknown[]; morePages: boolean }, limit: number): boolean =>
  page.morePages || page.records.length >= limit;

/** One bounded step, run round robin, so a large import does not starve the other connections. */
export class ConnectionSyncRunner {
  private readonly logger = new Logger('sfdc-sync');

  constructor(
    private readonly dataSource: Transactions,
    private readonly publisher: Pick<KafkaPublisher, 'publish'>,
    private readonly status: Pick<StatusReporter, 'report'>,
    private readonly published: PublishedChanges,
    private readonly states: SyncStateTransitions,
    private readonly config: RunnerConfig,
  ) {}

  /** `disabledAt`: the connection was disabled then, and this is its final poll (live only). */
  async runStep(state: SfdcSyncState, reader: SalesforceReads, disabledAt: number | null = null): Promise<StepOutcome> {
    const step = planSfdcStep(state.stage, disabledAt !== null);
    if (step === 'none') return 'idle';
    const { userId: ownerId } = await reader.identity();
    if (step === 'import-page') return this.importPage(state, reader, ownerId);
    if (step === 'reenable-deletes') return this.readReenableDeletes(state, reader, ownerId);
    return this.poll(state, reader, ownerId, disabledAt);
  }

  /** R2, by queryAll: `query` hides archived tasks, and one changed in the window is one the rep worked on. */
  private async importPage(state: SfdcSyncState, reader: SalesforceReads, ownerId: string): Promise<StepOutcome> {
    // The selection the settings page's import preview shows too (libs/sfdc/client).
    const window = importReadWindow(state.enableAt.getTime());
    let found = state.importFound;
    if (found === null) {
      found = await reader.count(buildImportCountQuery(ownerId, window), true);
      await this.states.recordImportCount(state, found);
      this.logger.log(
        `connection ${state.connectionId}: ${state.enableKind} at ${state.enableAt.toISOString()}, ${found} Salesforce tasks to import`,
      );
    }
    const after = keyset(state.importAfterStamp, state.importAfterId);
    const page = await reader.queryTasks(
      buildImportPageQuery(ownerId, window, after, this.config.IMPORT_PAGE_SIZE),
      true,
    );
    const records = page.records;
    const { messages, published, failed } = await this.buildMessages(
      state.connectionId,
      reader,
      records,
      'import',
      state.enableAt,
    );
    await this.publisher.publish(messages);
    const last = records.at(-1);
    const done = !hasMore(page, this.config.IMPORT_PAGE_SIZE);
    const imported = state.importImported + messages.length;
    const failedTotal = state.importFailed + failed;
    await this.dataSource.transaction(async (manager) => {
      await this.published.remember(manager, state.connectionId, published);
      await this.states.recordImportPage(manager, state, {
        after: last ? { stamp: new Date(parseSalesforceDateTime(last.SystemModstamp)), id: last.Id } : null,
        imported,
        failed: failedTotal,
        stage: advanceSfdcStage(state.stage, state.enableKind, { kind: 'import-page-read', last: done }),
      });
    });
    const importDone = done && state.enableKind === 'first-enable';
    if (done)
      this.logger.log(`connection ${state.connectionId}: import read, ${imported} published, ${failedTotal} failed`);
    await this.status.report(state.connectionId, {
      state: importDone ? 'syncing' : 'importing',
      import: {
        enableAt: state.enableAt.toISOString(),
        found: Math.max(found, imported + failedTotal),
        imported,
        failed: failedTotal,
        done: importDone,
      },
      ...(importDone ? { lastSyncedAt: new Date().toISOString() } : {}),
      apiUsage: reader.lastApiUsage(),
    });
    return 'continue';
  }

  /** R5: every delete of the 15 days before the re-enable, by getDeleted and by queryAll (getDeleted's log can be purged early). */
  private async readReenableDeletes(
    state: SfdcSyncState,
    reader: SalesforceReads,
    ownerId: string,
  ): Promise<StepOutcome> {
    const window = reenableDeleteWindow(state.enableAt.getTime());
    const fromLog = await getDeletedFrom(
      reader,
      this.logger,
      ceilToMinute(window.from),
      ceilToMinute(window.to) + 60_000,
    );
    const own = await reader.keepOwnDeletes(ownerId, fromLog.deletedRecords);
    const fromBin = await this.readDeletedInBin(reader, ownerId, floorToSecond(window.from), ceilToSecond(window.to));
    const deletes = mergeDeletes(own, fromBin);
    await this.publisher.publish(
      deletes.map((d) =>
        toOutgoingMessage(
          buildSfdcDeleteEvent(state.connectionId, d.taskId, d.stamp, 'reenable-deletes', state.enableAt),
        ),
      ),
    );
    await this.states.finishReenableDeletes(state);
    this.logger.log(
      `connection ${state.connectionId}: re-enable read ${deletes.length} Salesforce deletes of the 15 days before it`,
    );
    await this.status.report(state.connectionId, {
      state: 'syncing',
      import: {
        enableAt: state.enableAt.toISOString(),
        found: Math.max(state.importFound ?? 0, state.importImported + state.importFailed),
        imported: state.importImported,
        failed: state.importFailed,
        done: true,
      },
      lastSyncedAt: new Date().toISOString(),
      apiUsage: reader.lastApiUsage(),
    });
    return 'continue';
  }

  /**
   * R6: one `queryAll` reads edits and deletes (a deleted task's SystemModstamp is its delete); getDeleted
   * catches what the stamp query cannot see (a task purged from the recycle bin).
   */
  private async poll(
    state: SfdcSyncState,
    reader: SalesforceReads,
    ownerId: string,
    disabledAt: number | null,
  ): Promise<StepOutcome> {
    const startedAt = Date.now();
    const from = pollLowerBound(
      { pollFrom: state.pollFrom?.getTime() ?? null, changesWatermark: state.changesWatermark.getTime() },
      this.config.POLL_LOOKBACK_MS,
    );
    const after = keyset(state.pollAfterStamp, state.pollAfterId);
    const page = await reader.queryTasks(
      buildTaskPageQuery({ ownerId, from: floorToSecond(from), after, limit: this.config.QUERY_PAGE_SIZE }),
      true,
    );
    const read = page.records;
    const records = read.filter((r) => receivesChangeMadeAt({ disabledAt }, parseSalesforceDateTime(r.SystemModstamp)));
    const fresh = await this.published.withoutPublished(
      state.connectionId,
      records.map((r) => ({ record: r, ...publishedChangeOf(r) })),
    );
    const { messages, published, failed, deletes } = await this.buildMessages(
      state.connectionId,
      reader,
      fresh.map((f) => f.record),
      'live',
      undefined,
      'poll',
    );
    await this.publisher.publish(messages);
    const last = read.at(-1);
    const pageFull = hasMore(page, this.config.QUERY_PAGE_SIZE);
    const position = advancePollPosition({
      from,
      startedAt,
      watermark: state.changesWatermark.getTime(),
      stamps: read.map((r) => parseSalesforceDateTime(r.SystemModstamp)),
      last: last ? { stamp: parseSalesforceDateTime(last.SystemModstamp), id: last.Id } : null,
      full: pageFull,
    });
    await this.dataSource.transaction(async (manager) => {
      await this.published.remember(manager, state.connectionId, published);
      await this.states.advancePoll(manager, state, position);
    });
    if (failed > 0)
      this.logger.warn(`connection ${state.connectionId}: ${failed} changed tasks could not be mapped (see above)`);
    if (pageFull) return pollOutcome({ pageFull, finalPoll: disabledAt !== null, found: messages.length > 0 });
    if (disabledAt !== null) {
      this.logger.log(
        `connection ${state.connectionId}: final poll after the disable at ${new Date(disabledAt).toISOString()} published ${messages.length} changes made before it`,
      );
      return pollOutcome({ pageFull, finalPoll: true, found: messages.length > 0 });
    }

    const audited = await this.readDeleteLogIfDue(state, reader, ownerId);
    await this.published.pruneBehindWatermarks([state.connectionId], this.config.POLL_LOOKBACK_MS);
    const found = messages.length + audited > 0;
    if (found)
      this.logger.log(
        `connection ${state.connectionId}: poll published ${messages.length - deletes} changes, ${deletes} deletes, ${audited} deletes from getDeleted`,
      );
    await this.status.report(state.connectionId, {
      state: 'syncing',
      lastSyncedAt: new Date().toISOString(),
      apiUsage: reader.lastApiUsage(),
    });
    return pollOutcome({ pageFull, finalPoll: false, found });
  }

  /** getDeleted from the last covered point (its `latestDateCovered` is the next start), every DELETE_AUDIT_INTERVAL_MS. */
  private async readDeleteLogIfDue(state: SfdcSyncState, reader: SalesforceReads, ownerId: string): Promise<number> {
    if (!isDeleteAuditDue(state.auditedAt?.getTime() ?? null, Date.now(), this.config.DELETE_AUDIT_INTERVAL_MS))
      return 0;
    const start = state.deletesWatermark.getTime();
    const answer = await getDeletedFrom(reader, this.logger, start, start + DAY_MS);
    const own = await reader.keepOwnDeletes(ownerId, answer.deletedRecords);
    const fresh = await this.published.withoutPublished(
      state.connectionId,
      own.map((d) => ({ taskId: d.id, stamp: parseSalesforceDateTime(d.deletedDate), fingerprint: DELETED })),
    );
    await this.publisher.publish(
      fresh.map((d) =>
        toOutgoingMessage(buildSfdcDeleteEvent(state.connectionId, d.taskId, d.stamp, 'live', undefined, 'poll')),
      ),
    );
    const covered = Math.max(answer.start, parseSalesforceDateTime(answer.latestDateCovered));
    await this.dataSource.transaction(async (manager) => {
      await this.published.remember(manager, state.connectionId, fresh);
      await this.states.recordDeleteAudit(manager, state, new Date(covered), new Date());
    });
    if (fresh.length > 0)
      this.logger.warn(
        `connection ${state.connectionId}: getDeleted reported ${fresh.length} deletes the stamp query had not seen`,
      );
    return fresh.length;
  }

  /** Every deleted task of the owner in the recycle bin with SystemModstamp from `from` (to `to`), all pages. */
  private async readDeletedInBin(
    reader: SalesforceReads,
    ownerId: string,
    from: number,
    to?: number,
  ): Promise<PublishedChange[]> {
    const found: PublishedChange[] = [];
    let after: KeysetPosition | null = null;
    for (;;) {
      const page = await reader.query<{ Id: string; SystemModstamp: string }>(
        buildTaskPageQuery({ ownerId, from, to, after, limit: this.config.QUERY_PAGE_SIZE, deleted: true }),
        true,
      );
      for (const r of page.records)
        found.push({ taskId: r.Id, stamp: parseSalesforceDateTime(r.SystemModstamp), fingerprint: DELETED });
      const last = found.at(-1);
      if (!hasMore(page, this.config.QUERY_PAGE_SIZE) || !last) return found;
      after = { stamp: last.stamp, id: last.taskId };
    }
  }

  private async buildMessages(
    connectionId: string,
    reader: SalesforceReads,
    records: TaskRecord[],
    source: ReadSource,
    enableAt?: Date,
    via?: ReadVia,
  ) {
    const emails = await reader.resolveWhoEmails(records.filter((r) => !r.IsDeleted));
    const { messages, published, deletes, unmappable } = buildReadMessages(connectionId, records, emails, source, {
      enableAt,
      via,
    });
    for (const { record, reason } of unmappable)
      this.logger.error(`connection ${connectionId}: task ${record.Id} not published: ${reason}`);
    return { messages, published, deletes, failed: unmappable.length };
  }
}

/**
 * getDeleted refuses a start more than 15 days back; at a window's very edge the minute can tick
 * over between the enable and the call, so the start moves a minute forward, a bounded number of times.
 */
export async function getDeletedFrom(reader: SalesforceReads, logger: Logger, start: number, end: number) {
  for (let shift = 0; ; shift++) {
    const from = start + shift * 60_000;
    try {
      const answer = await reader.getDeleted(new Date(from), new Date(Math.max(end, from + 120_000)));
      return { ...answer, start: from };
    } catch (e) {
      const failure = e as SalesforceError;
      if (
        failure.code !== SalesforceErrorCode.Rejected ||
        !/INVALID_REPLICATION_DATE/.test(failure.message) ||
        shift >= 5
      )
        throw e;
      logger.warn(
        `getDeleted refused start ${new Date(from).toISOString()} (${failure.message}); trying a minute later`,
      );
    }
  }
}

function keyset(stamp: Date | null, id: string | null): KeysetPosition | null {
  return stamp && id ? { stamp: stamp.getTime(), id } : null;
}

/** The same delete from getDeleted and from the recycle bin, once (ids compared by their 15-character form). */
function mergeDeletes(fromLog: DeletedRecord[], fromBin: PublishedChange[]): PublishedChange[] {
  const byId = new Map<string, PublishedChange>();
  for (const d of fromLog)
    byId.set(salesforceIdKey(d.id), {
      taskId: d.id,
      stamp: parseSalesforceDateTime(d.deletedDate),
      fingerprint: DELETED,
    });
  for (const d of fromBin) if (!byId.has(salesforceIdKey(d.taskId))) byId.set(salesforceIdKey(d.taskId), d);
  return [...byId.values()];
}
