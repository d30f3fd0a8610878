import { type SalesforceReads } from '@task-sync/sfdc-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { TaskChangeEvent } from '@task-sync/sfdc-change-feed';
import { salesforceIdKey } from '@task-sync/task-domain';
import type { KafkaPublisher, OutgoingMessage } from '@task-sync/util-nest';
import {
  publishedChangeOf,
  type PublishedChange,
  type PublishedChangeRepository,
} from '../sync/published-change.repository';
import { buildReadMessages, type ReadVia } from '../sync/sfdc-change.events';
import type { OrgStreamRepository } from './org-stream.repository';
import { collectRecordIds, routeOrgBatch, type RoutedRecord } from './route-org-changes';

/** What one batch of an org's stream came to, for the log. */
export interface OrgBatchResult {
  events: number;
  firstReplayId: number;
  lastReplayId: number;
  /** Tasks published, and the connections they went to. */
  tasks: number;
  connections: number;
  /** Read, but already published as they are now (by the poll, or by this stream before a restart). */
  alreadyPublished: number;
  /** Read, but no enabled connection of the org owns them. */
  notOurs: number;
  /** (Connection, task) pairs left out: changed before the connection's latest enable, which its import covers. */
  beforeEnable: number;
  /** Named by an event, but gone from Salesforce by the time of the read (purged). */
  unanswered: number;
  /** GAP_OVERFLOW events: they name no record. */
  overflows: number;
  /** Read, but not mappable (logged with the reason). */
  unmappable: { connectionId: string; taskId: string; reason: string }[];
}

/** The stream's replay id could not be stored: another replica holds the org now. */
export class OrgStreamLeaseLost extends Error {
  override readonly name = 'OrgStreamLeaseLost';
}

/**
 * Published exactly as the poll would publish the same reads. The replay id moves only after Kafka's
 * ack, in the transaction that records what was published: a crash before it replays the batch.
 */
export class OrgChangePublisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: KafkaPublisher,
    private readonly published: PublishedChangeRepository,
    private readonly streams: OrgStreamRepository,
  ) {}

  async publishBatch(
    orgId: string,
    holder: string,
    reader: SalesforceReads,
    batch: readonly TaskChangeEvent[],
  ): Promise<OrgBatchResult> {
    const { recordIds, overflows } = collectRecordIds(batch);
    const records = recordIds.length > 0 ? await reader.readTasksByIds(recordIds) : [];
    const connections = records.length > 0 ? await this.streams.enabledConnectionsOf(orgId) : [];
    const routes = await this.published.routesOf(records.map((r) => r.Id));
    const { routed, notOurs, beforeEnable, unanswered } = routeOrgBatch(batch, records, connections, routes);
    const last = batch[batch.length - 1];
    const lastEventAt = new Date(Math.max(...batch.map((e) => e.commitTimestamp)));
    const published = await this.publishRouted(orgId, reader, routed, 'stream', (manager) =>
      this.streams.advanceReplay(manager, orgId, holder, last.replayId, lastEventAt),
    );
    if (!published.committed)
      throw new OrgStreamLeaseLost(
        `org ${orgId}: another replica holds the stream now; replay ${last.replayId} not stored`,
      );
    return {
      events: batch.length,
      firstReplayId: batch[0].replayId,
      lastReplayId: last.replayId,
      tasks: published.tasks,
      connections: published.connections,
      alreadyPublished: published.alreadyPublished,
      notOurs,
      beforeEnable,
      unanswered,
      overflows,
      unmappable: published.unmappable,
    };
  }

  /**
   * The stream and the poll may read one change at the same moment: one transaction under the org's
   * advisory lock holds from the check to the commit, so the second reader finds the first's record.
   */
  async publishRouted<T>(
    orgId: string,
    reader: SalesforceReads,
    routed: readonly RoutedRecord[],
    via: ReadVia,
    commit: (manager: EntityManager) => Promise<T>,
  ): Promise<RoutedPublication<T>> {
    const emails = await reader.resolveWhoEmails(routed.map((r) => r.record).filter((r) => !r.IsDeleted));
    const toRemember: [string, PublishedChange[]][] = [];
    const unmappable: RoutedPublication<T>['unmappable'] = [];
    let alreadyPublished = 0;
    const committed = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `sfdc-org-reads:${salesforceIdKey(orgId)}`,
      ]);
      const messages: OutgoingMessage[] = [];
      for (const [connectionId, items] of groupByConnection(routed)) {
        const fresh = await this.published.withoutPublished(
          connectionId,
          items.map((item) => ({ ...item, ...publishedChangeOf(item.record) })),
          manager,
        );
        alreadyPublished += items.length - fresh.length;
        const routedOf = new Map(fresh.map((f) => [f.record.Id, f]));
        const built = buildReadMessages(
          connectionId,
          fresh.map((f) => f.record),
          emails,
          'live',
          {
            originOf: (record) => routedOf.get(record.Id)?.origin ?? null,
            madeAtOf: (record) => routedOf.get(record.Id)?.madeAt ?? null,
            via,
          },
        );
        messages.push(...built.messages);
        toRemember.push([connectionId, built.published]);
        unmappable.push(...built.unmappable.map(({ record, reason }) => ({ connectionId, taskId: record.Id, reason })));
      }
      await this.publisher.publish(messages);
      // What was published is remembered even if the position could not move: it was published.
      for (const [connectionId, changes] of toRemember) await this.published.remember(manager, connectionId, changes);
      for (const r of routed) if (r.formerOwner) await this.published.forgetRoute(manager, r.connectionId, r.record.Id);
      return commit(manager);
    });
    const published = toRemember.filter(([, changes]) => changes.length > 0);
    return {
      committed,
      tasks: new Set(published.flatMap(([, changes]) => changes.map((c) => c.taskId))).size,
      connections: published.length,
      alreadyPublished,
      unmappable,
    };
  }
}

/** What publishing routed records came to. */
export interface RoutedPublication<T> {
  /** What `commit` answered. */
  committed: T;
  /** Tasks published, and the connections they went to. */
  tasks: number;
  connections: number;
  alreadyPublished: number;
  unmappable: { connectionId: string; taskId: string; reason: string }[];
}

function groupByConnection(routed: readonly RoutedRecord[]): Map<string, RoutedRecord[]> {
  const groups = new Map<string, RoutedRecord[]>();
  for (const r of routed) groups.set(r.connectionId, [...(groups.get(r.connectionId) ?? []), r]);
  return groups;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "org 00D…: 3 events → 2 tasks for 1 connection (replay 120–124; 1 already published)". */
export function describeBatch(orgId: string, r: OrgBatchResult): string {
  const notes = [
    r.alreadyPublished > 0 ? `${r.alreadyPublished} already published` : '',
    r.notOurs > 0 ? `${plural(r.notOurs, 'task')} of no enabled connection` : '',
    r.beforeEnable > 0
      ? `${plural(r.beforeEnable, 'task')} changed before their connection's enable, left to its import`
      : '',
    r.unanswered > 0 ? `${plural(r.unanswered, 'task')} purged before the read` : '',
    r.overflows > 0 ? `${plural(r.overflows, 'overflow event')} naming no record, left to the org poll` : '',
    r.unmappable.length > 0 ? `${plural(r.unmappable.length, 'task')} not mappable` : '',
  ].filter(Boolean);
  const replay =
    r.firstReplayId === r.lastReplayId ? `replay ${r.lastReplayId}` : `replay ${r.firstReplayId}–${r.lastReplayId}`;
  return `org ${orgId}: ${plural(r.events, 'event')} → ${plural(r.tasks, 'task')} for ${plural(r.connections, 'connection')} (${[replay, ...notes].join('; ')})`;
}
