import type { FaultInjector, SandboxClock } from '@task-sync/util-sandbox-kit';
import type { ApiContext } from './api-guard.middleware';
import type { OrgStore } from './org.store';
import type { Fields, TaskRecord } from './sandbox-records';
import { KEY_PREFIX, isSalesforceIdShape, toId15, toId18 } from './salesforce-id';
import { toWholeSecond } from './sfdc-datetime';
import { SfdcError, entityIsDeleted, notFound } from './sfdc-error';
import { isClosedStatus } from './sobject-schema';
import { cloneTask } from './task.store';
import { restChangeOrigin } from './change-events/change-event';
import { validateTaskWrite } from './task-validation';

export const EXTERNAL_ID_FIELD = 'SalesConnect_Task_Id__c';

export interface UpsertOutcome {
  id: string;
  created: boolean;
}

/** Raised for an upsert whose external id matches several tasks: HTTP 300 with their urls. */
export class MultipleMatchesError extends SfdcError {
  constructor(readonly ids: string[]) {
    super(300, 'MULTIPLE_CHOICES', `${EXTERNAL_ID_FIELD}: more than one record found for external id field: [${ids.join(', ')}]`);
  }
}

/**
 * Task creates, updates, upserts and deletes with Salesforce's semantics: server-set Id and
 * audit fields from the sandbox clock, IsClosed from the status, a recycle bin, the writer's
 * `client=` call option as the change's origin, and the `unableToLockRow` fault.
 */
export class TaskDml {
  constructor(
    private readonly store: OrgStore,
    private readonly clock: SandboxClock,
    private readonly faults: FaultInjector,
  ) {}

  create(ctx: ApiContext, body: Record<string, unknown>): string {
    const values = validateTaskWrite(ctx.org, body, 'create');
    this.maybeLockFault(null);
    const now = toWholeSecond(this.clock.nowMs());
    const id = this.store.nextId(KEY_PREFIX.Task);
    const fields: Fields = {
      Id: id,
      Subject: null,
      Description: null,
      ActivityDate: null,
      Status: 'Not Started',
      Priority: 'Normal',
      TaskSubtype: 'Task',
      WhoId: null,
      WhatId: null,
      OwnerId: ctx.userId,
      SalesConnect_Task_Id__c: null,
      ...values,
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: ctx.userId,
      LastModifiedDate: now,
      LastModifiedById: ctx.userId,
      SystemModstamp: now,
    };
    fields.IsClosed = isClosedStatus(fields.Status as string);
    ctx.org.tasks.insert({ fields, deletedAt: null, lastModifiedByClient: ctx.client, changeOrigin: restChangeOrigin(ctx) });
    this.store.recordChange(ctx.org, { taskId: id, changeType: 'CREATE', changedFields: Object.keys(values), commitTimestamp: now, changeOrigin: ctx.client, userId: ctx.userId });
    return id;
  }

  update(ctx: ApiContext, id: string, body: Record<string, unknown>): string {
    const current = this.requireLive(ctx, id);
    const values = validateTaskWrite(ctx.org, body, 'update');
    this.maybeLockFault(current.fields.Id as string);
    const now = toWholeSecond(this.clock.nowMs());
    const next = cloneTask(current);
    Object.assign(next.fields, values, { LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now });
    next.fields.IsClosed = isClosedStatus(next.fields.Status as string);
    next.lastModifiedByClient = ctx.client;
    next.changeOrigin = restChangeOrigin(ctx);
    ctx.org.tasks.replace(next);
    this.store.recordChange(ctx.org, { taskId: next.fields.Id as string, changeType: 'UPDATE', changedFields: Object.keys(values), commitTimestamp: now, changeOrigin: ctx.client, userId: ctx.userId });
    return next.fields.Id as string;
  }

  /** Matches live tasks only, as Salesforce's upsert does; several matches are HTTP 300. */
  upsert(ctx: ApiContext, externalId: string, body: Record<string, unknown>): UpsertOutcome {
    // The url carries the external id; a copy in the body (sObject Collections send one) is not a second write.
    const rest = { ...body };
    delete rest[EXTERNAL_ID_FIELD];
    const matches = ctx.org.tasks.findByExternalId(externalId);
    if (matches.length > 1) throw new MultipleMatchesError(matches.map((t) => t.fields.Id as string));
    if (matches.length === 1) return { id: this.update(ctx, matches[0].fields.Id as string, rest), created: false };
    return { id: this.create(ctx, { ...rest, [EXTERNAL_ID_FIELD]: externalId }), created: true };
  }

  /** To the recycle bin: IsDeleted, a new SystemModstamp, visible to queryAll and getDeleted for 15 days. */
  destroy(ctx: ApiContext, id: string): string {
    const current = this.requireLive(ctx, id);
    this.maybeLockFault(current.fields.Id as string);
    const now = toWholeSecond(this.clock.nowMs());
    const next = cloneTask(current);
    Object.assign(next.fields, { IsDeleted: true, LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now });
    next.deletedAt = now;
    next.lastModifiedByClient = ctx.client;
    next.changeOrigin = restChangeOrigin(ctx);
    ctx.org.tasks.replace(next);
    this.store.recordChange(ctx.org, { taskId: next.fields.Id as string, changeType: 'DELETE', changedFields: [], commitTimestamp: now, changeOrigin: ctx.client, userId: ctx.userId });
    return next.fields.Id as string;
  }

  /** A task by 15- or 18-character id, live or in the recycle bin. */
  find(ctx: ApiContext, id: string): TaskRecord | undefined {
    if (!isSalesforceIdShape(id) || !toId15(id).startsWith(KEY_PREFIX.Task)) return undefined;
    return ctx.org.tasks.get(toId18(id));
  }

  requireLive(ctx: ApiContext, id: string): TaskRecord {
    if (!isSalesforceIdShape(id)) throw new SfdcError(400, 'MALFORMED_ID', `malformed id ${id}`);
    this.store.purgeRecycleBin(ctx.org);
    const task = this.find(ctx, id);
    if (!task) throw notFound();
    if (task.deletedAt !== null) throw entityIsDeleted();
    return task;
  }

  private maybeLockFault(id: string | null): void {
    if (this.faults.shouldInject('unableToLockRow')) {
      throw new SfdcError(400, 'UNABLE_TO_LOCK_ROW', `unable to obtain exclusive access to this record${id ? ` or 1 records: ${id}` : ''}`);
    }
  }
}
