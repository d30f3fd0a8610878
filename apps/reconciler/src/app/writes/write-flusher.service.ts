import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DEAD_LETTER, KAFKA_TOPICS, buildMessageKey, encodeEvent, type DeadLetter } from '@task-sync/contracts';
import { COLLECTION_LIMIT, COMPOSITE_MAX_SUBREQUESTS, compositeSubrequestsFor } from '@task-sync/sfdc-client';
import { APP_CONFIG, BackgroundLoop, KafkaPublisher, StatusReporter } from '@task-sync/util-nest';
import { coalesceWrites, decideSfdcFlush, type CoalescedWrite, type SfdcGatherPolicy } from '@task-sync/sync-rules';
import type { ReconcilerConfig } from '../reconciler.config';
import type { Transactions } from '../transactions';
import { WriteQueueRepository, type LandedWrite, type QueuedWriteRow } from './write-queue.repository';
import { TaskLinksRepository } from '../links/task-links.repository';
import { ParkedChangesRepository } from '../changes/parked-changes.repository';
import { HeldWriteReadsService, type HeldTarget } from './held-write-reads.service';
import { forEachConcurrently } from './for-each-concurrently';
import type { LinkIds } from './link-ids';
import { SalesConnectWriteExecutor } from './salesconnect-write.executor';
import { SfdcWriteExecutor } from './sfdc-write.executor';
import { FailedWritesRepository, type ClearedWrite, type FailedWriteState } from './failed-writes.repository';
import { buildFailedWriteMessage } from './failed-write.message';
import { stateOfPausedWrites, type WriteOutcome } from './write-outcome';
import { TaskActivityBatch } from '../activity/task-activity.repository';
import type { ActivitySubject } from '../activity/task-activity';

/**
 * Salesforce's go in one Composite request (updates past its 25 subrequests wait for the next);
 * Sales Connect's longer round spreads the round's own statements over more writes (an import
 * queues a write a task).
 */
const ROWS_A_ROUND = { sfdc: COLLECTION_LIMIT, salesconnect: 500 };

/** A write held for a change not read yet looks again this soon (the ingest may bring it any moment). */
const HOLD_RETRY_MS = 300;

/** What a round changed in tasks' failed state, told to connector-settings once the round committed. */
type FailedStateChange = { failed: FailedWriteState } | { cleared: ClearedWrite };

/** One replica at a time a connection (an advisory lock); outcomes are settled in the same transaction. */
@Injectable()
export class WriteFlusherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('writes');
  private readonly loop: BackgroundLoop;
  private readonly gather: SfdcGatherPolicy;
  /** When each connection's Salesforce writes last went out from this replica: whether its queue was idle. */
  private readonly sfdcSentAt = new Map<string, number>();
  /** A connection's Sales Connect user never changes once known (connection_setting keeps the first): read once, not every round. */
  private readonly salesConnectUsers = new Map<string, string>();

  constructor(
    @Inject(DataSource) private readonly dataSource: Transactions,
    @Inject(APP_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(SfdcWriteExecutor) private readonly sfdc: SfdcWriteExecutor,
    @Inject(SalesConnectWriteExecutor) private readonly salesConnect: SalesConnectWriteExecutor,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
    @Inject(StatusReporter) private readonly status: StatusReporter,
    @Inject(FailedWritesRepository) private readonly failedWrites: FailedWritesRepository,
    @Inject(HeldWriteReadsService) private readonly heldReads: HeldWriteReadsService,
    @Inject(WriteQueueRepository) private readonly queue: WriteQueueRepository,
    @Inject(TaskLinksRepository) private readonly links: TaskLinksRepository,
    @Inject(ParkedChangesRepository) private readonly connections: Pick<ParkedChangesRepository, 'salesConnectUserOf'>,
  ) {
    // What fills a Composite request is its subrequests: an update takes one, every upsert or every delete one together.
    this.gather = {
      windowMs: config.SFDC_WRITE_GATHER_MS,
      quietMs: config.SFDC_WRITE_QUIET_MS,
      maxBatch: COMPOSITE_MAX_SUBREQUESTS,
    };
    this.loop = new BackgroundLoop('write', this.logger, () => this.round(), config.WRITE_FLUSH_INTERVAL_MS);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** SIGTERM: the round in flight finishes (its outcome is committed), then the loop stops. */
  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async round(): Promise<boolean> {
    const retried = await this.failedWrites.queueDueRetries(this.dataSource);
    if (retried > 0) this.logger.log(`${retried} failed write(s) queued again on their schedule`);
    const now = Date.now();
    const due = (await this.queue.dueConnections(this.dataSource, ROWS_A_ROUND.sfdc)).flatMap((c) => {
      const lastSent = this.sfdcSentAt.get(c.connectionId);
      // A round's worth of rows fills the round whatever their mix.
      const fills =
        c.sfdc.queued >= ROWS_A_ROUND.sfdc ? COMPOSITE_MAX_SUBREQUESTS : compositeSubrequestsFor(c.sfdc.mix);
      const sendSfdc =
        decideSfdcFlush(
          { ...c.sfdc, queued: fills, sinceLastSendMs: lastSent === undefined ? null : now - lastSent },
          this.gather,
        ).kind === 'send';
      return c.salesConnectDue || sendSfdc ? [{ connectionId: c.connectionId, sendSfdc }] : [];
    });
    let busy = false;
    await forEachConcurrently(due, this.config.WRITE_CONNECTIONS_CONCURRENTLY, async ({ connectionId, sendSfdc }) => {
      busy = (await this.flushConnection(connectionId, sendSfdc)) || busy;
    });
    return busy;
  }

  /** True when it sent something. */
  private async flushConnection(connectionId: string, sendSfdc: boolean): Promise<boolean> {
    const changes: FailedStateChange[] = [];
    const heldTargets: HeldTarget[] = [];
    let salesConnectUserId: string | null = null;
    const sent = await this.dataSource.transaction(async (manager) => {
      if (!(await this.queue.lockConnection(manager, connectionId))) return false;
      await this.failedWrites.queueSupersededByNewerWrites(manager, connectionId);
      const rows = await this.queue.readDue(manager, connectionId, ROWS_A_ROUND);
      // Salesforce's wait in the queue while they gather (decideSfdcFlush).
      const writes = coalesceWrites(rows).filter((w) => w.side === 'salesconnect' || sendSfdc);
      if (writes.length === 0) return false;
      const toSfdc = writes.filter((w) => w.side === 'sfdc');
      if (toSfdc.length > 0) this.sfdcSentAt.set(connectionId, Date.now());
      const toSalesConnect = writes.filter((w) => w.side === 'salesconnect');
      const links = await this.links.idsOf(
        manager,
        writes.map((w) => w.linkId),
      );
      salesConnectUserId = await this.salesConnectUserOf(manager, connectionId);
      const outcomes = new Map<CoalescedWrite, WriteOutcome>([
        ...(await this.sfdc.run(connectionId, toSfdc, links)),
        ...(salesConnectUserId !== null ? await this.salesConnect.run(salesConnectUserId, toSalesConnect, links) : []),
      ]);
      heldTargets.push(...this.judgeHeld(outcomes, rows, links));
      const attemptsOf = new Map(rows.map((r) => [r.id, r.attempts]));
      const done = [...outcomes].filter(([, outcome]) => outcome.kind === 'done') as LandedWrite[];
      await this.queue.markLanded(manager, done);
      for (const cleared of await this.failedWrites.clearLanded(
        manager,
        connectionId,
        done.map(([w]) => w),
      ))
        changes.push({ cleared });
      // Each write's outcome on its task's timeline, in this transaction, one INSERT for the round.
      const activity = new TaskActivityBatch();
      for (const [write] of done)
        activity.recordWriteOutcome(subjectOfWrite(connectionId, write, links.get(write.linkId)), write, {
          kind: 'ok',
        });
      for (const [write, outcome] of outcomes) {
        if (outcome.kind === 'done') continue;
        const failed = await this.settle(
          manager,
          connectionId,
          write,
          outcome,
          links.get(write.linkId),
          attemptsOf,
          activity,
        );
        if (failed) changes.push({ failed });
      }
      await activity.flush(manager);
      const counts = [...outcomes.values()].reduce<Record<string, number>>(
        (acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }),
        {},
      );
      this.logger.log(
        `connection ${connectionId}: wrote ${toSfdc.length} to Salesforce, ${toSalesConnect.length} to Sales Connect: ${JSON.stringify(counts)}`,
      );
      return true;
    });
    // After the commit, so connector-settings never shows a state the round rolled back. A lost
    // publish (a crash right here) is made good by the task's next failure or success.
    if (changes.length > 0)
      await this.publisher.publish(changes.map((c) => buildFailedWriteMessage(this.config.SERVICE_NAME, c)));
    await this.heldReads.readAndDecide(connectionId, salesConnectUserId, heldTargets);
    return sent;
  }

  private async salesConnectUserOf(manager: EntityManager, connectionId: string): Promise<string | null> {
    const known = this.salesConnectUsers.get(connectionId);
    if (known !== undefined) return known;
    const userId = await this.connections.salesConnectUserOf(manager, connectionId);
    if (userId !== null) this.salesConnectUsers.set(connectionId, userId);
    return userId;
  }

  /** A held write is never sent blind. */
  private judgeHeld(
    outcomes: Map<CoalescedWrite, WriteOutcome>,
    rows: QueuedWriteRow[],
    links: Map<string, LinkIds>,
  ): HeldTarget[] {
    const waitedOf = new Map(rows.map((r) => [r.id, r.waitedMs]));
    const targets: HeldTarget[] = [];
    for (const [write, outcome] of outcomes) {
      if (outcome.kind !== 'hold') {
        this.heldReads.forget(write.linkId, write.side);
        continue;
      }
      const ids = links.get(write.linkId);
      const taskId = write.side === 'sfdc' ? (ids?.sfdcTaskId ?? outcome.sfdcTaskId) : ids?.salesConnectTaskId;
      const decision = this.heldReads.decide(
        write.linkId,
        write.side,
        Math.max(...write.rowIds.map((id) => waitedOf.get(id) ?? 0)),
      );
      if (decision.kind === 'read' && taskId) targets.push({ linkId: write.linkId, side: write.side, taskId });
      if (decision.kind === 'fail')
        outcomes.set(write, {
          kind: 'dead-letter',
          code: 'HELD_OVER_UNREAD_CHANGE',
          reason: `${outcome.reason}; ${decision.reason}`,
        });
    }
    return targets;
  }

  private async settle(
    manager: EntityManager,
    connectionId: string,
    write: CoalescedWrite,
    outcome: Exclude<WriteOutcome, { kind: 'done' }>,
    ids: LinkIds | undefined,
    attemptsOf: Map<string, number>,
    activity: TaskActivityBatch,
  ): Promise<FailedWriteState | undefined> {
    const rowIds = write.rowIds;
    if (outcome.kind === 'hold') {
      this.logger.log(
        `connection ${connectionId}: ${write.side} ${write.kind} of link ${write.linkId} waits: ${outcome.reason}`,
      );
      // Found by its external id: the link learns the task (as from a create's answer), so it is read and written by id.
      if (outcome.sfdcTaskId) await this.links.learnSfdcTaskId(manager, write.linkId, outcome.sfdcTaskId);
      await this.queue.postpone(manager, rowIds, HOLD_RETRY_MS, outcome.reason);
      return undefined;
    }
    if (outcome.kind === 'pause') {
      this.logger.warn(
        `connection ${connectionId}: ${write.side} ${write.kind} of link ${write.linkId} waits ${this.config.PAUSE_RECHECK_MS} ms: ${outcome.code}: ${outcome.reason}`,
      );
      this.sfdc.forget(connectionId);
      await this.queue.postpone(manager, rowIds, this.config.PAUSE_RECHECK_MS, outcome.reason);
      await this.status.report(connectionId, {
        state: stateOfPausedWrites(outcome.code),
        error: { code: outcome.code, message: outcome.reason },
      });
      return undefined;
    }
    const attempts = Math.max(...rowIds.map((id) => attemptsOf.get(id) ?? 0)) + 1;
    if (outcome.kind === 'retry' && attempts < this.config.WRITE_MAX_ATTEMPTS) {
      const delayMs = this.config.WRITE_RETRY_BASE_MS * 2 ** (attempts - 1);
      this.logger.warn(
        `connection ${connectionId}: ${write.side} ${write.kind} of link ${write.linkId} failed (${outcome.reason}); attempt ${attempts}, again in ${delayMs} ms`,
      );
      activity.recordWriteOutcome(subjectOfWrite(connectionId, write, ids), write, {
        kind: 'retrying',
        code: 'TRANSIENT',
        reason: outcome.reason,
      });
      await this.queue.markRetrying(manager, rowIds, attempts, delayMs, outcome.reason);
      return undefined;
    }
    const code = outcome.kind === 'dead-letter' ? outcome.code : 'WRITE_RETRIES_EXHAUSTED';
    const reason = outcome.kind === 'dead-letter' ? outcome.reason : `${attempts} attempts: ${outcome.reason}`;
    const failed = await this.failedWrites.recordFailure(manager, connectionId, write, ids, code, reason);
    const of = subjectOfWrite(connectionId, write, ids);
    activity.recordWriteOutcome(of, write, { kind: 'failed', code, reason });
    activity.recordDeadLetter(of, write.side, code, reason, failed.nextRetryAt);
    // The operator's dead letter once when it first fails and once when the schedule gives up, not every half hour.
    if (failed.attempts === 1 || failed.nextRetryAt === null)
      await this.deadLetter(connectionId, write, ids, code, reason);
    await this.queue.remove(manager, rowIds);
    const next = failed.nextRetryAt
      ? `tried again at ${failed.nextRetryAt.toISOString()}`
      : `not tried again (${failed.attempts} attempts) until the task changes`;
    await this.status.report(connectionId, {
      state: 'error',
      error: { code, message: `a ${write.side} ${write.kind} was not written: ${reason}; ${next}` },
    });
    return failed;
  }

  private async deadLetter(
    connectionId: string,
    write: CoalescedWrite,
    ids: LinkIds | undefined,
    code: string,
    reason: string,
  ): Promise<void> {
    this.logger.error(
      `connection ${connectionId}: ${write.side} ${write.kind} of link ${write.linkId} dead-lettered: ${code}: ${reason}`,
    );
    const event: DeadLetter = {
      eventId: randomUUID(),
      type: DEAD_LETTER,
      occurredAt: new Date().toISOString(),
      consumer: this.config.SERVICE_NAME,
      sourceTopic: `${this.config.SERVICE_NAME}.task-writes`,
      sourcePartition: 0,
      sourceOffset: write.rowIds[0] ?? '0',
      reasonCode: code,
      reason,
      originalKey: buildMessageKey(connectionId, write.linkId),
      originalHeaders: {},
      originalValue: JSON.stringify({
        connectionId,
        side: write.side,
        kind: write.kind,
        fields: write.fields,
        ids: ids ?? null,
      }),
    };
    await this.publisher.publish([
      {
        topic: KAFKA_TOPICS.deadLetter,
        key: event.originalKey as string,
        value: encodeEvent(DEAD_LETTER, event),
        eventId: event.eventId,
        eventType: DEAD_LETTER,
      },
    ]);
  }
}

function subjectOfWrite(connectionId: string, write: CoalescedWrite, ids: LinkIds | undefined): ActivitySubject {
  return {
    connectionId,
    linkId: write.linkId,
    salesConnectTaskId: ids?.salesConnectTaskId ?? null,
    sfdcTaskId: ids?.sfdcTaskId ?? null,
    subject: ids?.subject ?? null,
  };
}
