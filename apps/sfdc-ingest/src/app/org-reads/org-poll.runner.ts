import {
  type DeletedRecord,
  type SalesforceReads,
  SalesforceError,
  SalesforceErrorCode,
  buildOrgTaskPageQuery,
  floorToSecond,
  parseSalesforceDateTime,
  type TaskRecordById,
} from '@task-sync/sfdc-client';
import { Logger } from '@nestjs/common';
import type { KafkaPublisher } from '@task-sync/util-nest';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import type { OrgChangePublisher } from '../stream/org-change.publisher';
import { routeDeletes, routeOrgBatch } from '../stream/route-org-changes';
import { getDeletedFrom, type Transactions } from '../sync/connection-sync.runner';
import { DELETED, type PublishedChangeRepository } from '../sync/published-change.repository';
import { buildSfdcDeleteEvent, toOutgoingMessage } from '../sync/sfdc-change.events';
import type { LeasedOrgPoll, OrgPollRepository, OrgPollTarget } from './org-poll.repository';
import { coveredByPoll, orgPollOwners, orgPollStart } from './read-plan';

const DAY_MS = 86_400_000;

export type OrgPollConfig = Pick<
  SfdcIngestConfig,
  | 'ORG_POLL_PAGE_SIZE'
  | 'POLL_LOOKBACK_MS'
  | 'ORG_DELETE_AUDIT_INTERVAL_MS'
  | 'ORG_POLL_OWNER_LIST_MAX'
  | 'SALESFORCE_API_VERSION'
>;

/** getDeleted's answer, with the start it was asked from. */
type DeleteLog = { deletedRecords: DeletedRecord[]; latestDateCovered: string; start: number };

/** What one step of an org's poll came to. */
export interface OrgPollStep {
  /** More pages to read: the next step runs at once. */
  more: boolean;
  /** The connections read for. */
  targets: OrgPollTarget[];
  /** Changes and deletes published. */
  published: number;
}

/**
 * The org's safety-net poll, routed as the stream routes its reads. Positions move only after Kafka
 * acknowledged what was read.
 */
export class OrgPollRunner {
  private readonly logger = new Logger('sfdc-org-poll');

  constructor(
    private readonly dataSource: Transactions,
    private readonly kafka: Pick<KafkaPublisher, 'publish'>,
    private readonly routedPublisher: Pick<OrgChangePublisher, 'publishRouted'>,
    private readonly polls: Pick<OrgPollRepository, 'targetsOf' | 'recordPage' | 'markAudited'>,
    private readonly published: Pick<
      PublishedChangeRepository,
      'routesOf' | 'withoutPublished' | 'remember' | 'pruneBehindWatermarks'
    >,
    private readonly config: OrgPollConfig,
  ) {}

  async runStep(org: LeasedOrgPoll, reader: SalesforceReads): Promise<OrgPollStep> {
    const targets = await this.polls.targetsOf(org.orgId);
    if (targets.length === 0) return { more: false, targets, published: 0 };
    const from = org.pollFrom ?? floorToSecond(orgPollStart(targets, this.config.POLL_LOOKBACK_MS));
    const limit = this.config.ORG_POLL_PAGE_SIZE;
    const owners = orgPollOwners(
      targets.map((t) => t.sfdcUserId),
      this.config.ORG_POLL_OWNER_LIST_MAX,
    );
    const soql = buildOrgTaskPageQuery({ ownerIds: owners, from, after: org.after, limit });
    const auditDue = org.auditedAt === null || Date.now() - org.auditedAt >= this.config.ORG_DELETE_AUDIT_INTERVAL_MS;
    const { page, deleteLog } =
      auditDue && org.pollFrom === null
        ? await this.readWithDeleteLog(reader, soql, targets)
        : { page: await reader.query<TaskRecordById>(soql, true), deleteLog: undefined };
    const records = page.records;
    const routing = routeOrgBatch([], records, targets, await this.published.routesOf(records.map((r) => r.Id)));
    const more = page.morePages || records.length >= limit;
    const last = records.at(-1);
    const next =
      more && last ? { from, after: { stamp: parseSalesforceDateTime(last.SystemModstamp), id: last.Id } } : null;
    const newest =
      records.length > 0 ? Math.max(...records.map((r) => parseSalesforceDateTime(r.SystemModstamp))) : null;
    const covered = coveredByPoll(targets, from, this.config.POLL_LOOKBACK_MS);
    const result = await this.routedPublisher.publishRouted(org.orgId, reader, routing.routed, 'poll', (manager) =>
      this.polls.recordPage(manager, org.orgId, covered, newest, next),
    );
    for (const u of result.unmappable)
      this.logger.error(`connection ${u.connectionId}: task ${u.taskId} not published: ${u.reason}`);
    Object.assign(org, { pollFrom: next?.from ?? null, after: next?.after ?? null });
    const deletes = deleteLog || (auditDue && !more) ? await this.audit(org, reader, targets, deleteLog) : 0;
    if (more) return { more, targets, published: result.tasks + deletes };

    await this.published.pruneBehindWatermarks(
      targets.map((t) => t.connectionId),
      this.config.POLL_LOOKBACK_MS,
    );
    if (result.tasks + deletes > 0) {
      const scope = owners ? `${owners.length} owners` : 'the whole org';
      this.logger.log(
        `org ${org.orgId}: poll of ${scope} published ${result.tasks} changed tasks for ${result.connections} connections, ${deletes} deletes from getDeleted`,
      );
    }
    return { more, targets, published: result.tasks + deletes };
  }

  /**
   * One Composite call, so an idle org's hourly getDeleted costs nothing more. A refused getDeleted is
   * asked again on its own (getDeletedFrom moves a start Salesforce finds too old).
   */
  private async readWithDeleteLog(
    reader: SalesforceReads,
    soql: string,
    targets: OrgPollTarget[],
  ): Promise<{ page: { records: TaskRecordById[]; morePages: boolean }; deleteLog?: DeleteLog }> {
    const base = `/services/data/v${this.config.SALESFORCE_API_VERSION}`;
    const start = Math.min(...targets.map((t) => t.deletesWatermark));
    const window = `start=${encodeURIComponent(new Date(start).toISOString())}&end=${encodeURIComponent(new Date(start + DAY_MS).toISOString())}`;
    const answers = await reader.composite(this.config.SALESFORCE_API_VERSION, [
      { referenceId: 'changes', url: `${base}/queryAll/?q=${encodeURIComponent(soql)}` },
      { referenceId: 'deletes', url: `${base}/sobjects/Task/deleted/?${window}` },
    ]);
    const changes = answers.get('changes');
    if (!changes?.ok)
      throw (
        changes?.error ?? new SalesforceError(SalesforceErrorCode.Rejected, 'the Composite call answered no changes')
      );
    const body = changes.body as { records: TaskRecordById[]; done: boolean };
    const page = { records: body.records, morePages: !body.done };
    const deletes = answers.get('deletes');
    if (deletes?.ok) return { page, deleteLog: { ...(deletes.body as Omit<DeleteLog, 'start'>), start } };
    this.logger.warn(
      `getDeleted in the poll's Composite call was refused (${deletes?.ok === false ? deletes.error.message : 'no answer'}); asking it on its own`,
    );
    return { page };
  }

  /** getDeleted for the whole org from the oldest delete watermark of its connections (or its answer, read with the poll's first page). */
  private async audit(
    org: LeasedOrgPoll,
    reader: SalesforceReads,
    targets: OrgPollTarget[],
    prefetched?: DeleteLog,
  ): Promise<number> {
    const start = Math.min(...targets.map((t) => t.deletesWatermark));
    const answer = prefetched ?? (await getDeletedFrom(reader, this.logger, start, start + DAY_MS));
    const ids = answer.deletedRecords.map((d) => d.id);
    const owners = ids.length > 0 ? await reader.ownersInBin(ids) : new Map<string, string>();
    const deleted = answer.deletedRecords.map((d) => ({ id: d.id, deletedAt: parseSalesforceDateTime(d.deletedDate) }));
    const routed = routeDeletes(deleted, owners, await this.published.routesOf(ids), targets);
    const fresh = new Map<string, { taskId: string; stamp: number; fingerprint: string }[]>();
    for (const connectionId of new Set(routed.map((r) => r.connectionId))) {
      const mine = routed
        .filter((r) => r.connectionId === connectionId)
        .map((r) => ({ taskId: r.taskId, stamp: r.stamp, fingerprint: DELETED }));
      fresh.set(connectionId, await this.published.withoutPublished(connectionId, mine));
    }
    const messages = [...fresh].flatMap(([connectionId, changes]) =>
      changes.map((d) =>
        toOutgoingMessage(buildSfdcDeleteEvent(connectionId, d.taskId, d.stamp, 'live', undefined, 'poll')),
      ),
    );
    await this.kafka.publish(messages);
    const covered = Math.max(answer.start, parseSalesforceDateTime(answer.latestDateCovered));
    await this.dataSource.transaction(async (manager) => {
      for (const [connectionId, changes] of fresh) await this.published.remember(manager, connectionId, changes);
      await this.polls.markAudited(
        manager,
        org.orgId,
        targets.map((t) => t.connectionId),
        covered,
      );
    });
    org.auditedAt = Date.now();
    if (messages.length > 0)
      this.logger.warn(`org ${org.orgId}: getDeleted reported ${messages.length} deletes no read had published`);
    return messages.length;
  }
}
