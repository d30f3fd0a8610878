import type { FaultInjector, SandboxClock } from '@task-sync/util-sandbox-kit';
import type { ApiContext } from './api-guard.middleware';
import type { OrgStore } from './org.store';
import type { Fields, TaskRecord } from './sandbox-records';
import { KEY_PREFIX, isSalesforceIdShape, toId15, toId18 } from './salesforce-id';
import { toWholeSecond } from './sfdc-datetime';
import { SfdcError, entityIsDeleted, notFound } from './sfdc-error';
import type { FieldDef } from './sobject-schema';
import { cloneTask } from './task.store';
import { restChangeOrigin } from './change-events/change-event';
import { checkUniqueValues, validateTaskWrite } from './task-validation';
import { deriveAccountId, newTaskDefaults, schemaFor, type SchemaView } from './org-schema';
import { applyTaskSaveRules } from './org-rules/task-save-rules';

export interface UpsertOutcome {
  id: string;
  created: boolean;
}

/** The fields a write set, and those the org's trigger set on top. */
const withTriggered = (values: Fields, triggered: string[]): string[] => [
  ...new Set([...Object.keys(values), ...triggered]),
];

/** Raised for an upsert whose external id matches several tasks: HTTP 300 with their urls. */
export class MultipleMatchesError extends SfdcError {
  constructor(
    readonly ids: string[],
    field: string,
  ) {
    super(300, 'MULTIPLE_CHOICES', `${field}: more than one record found for external id field: [${ids.join(', ')}]`);
  }
}

const notExternalId = (name: string): SfdcError =>
  new SfdcError(400, 'INVALID_FIELD', `Field name provided, ${name} is not an External ID or indexed field for Task`);

/**
 * The field an upsert matches on, in the caller's schema: an External ID field, else INVALID_FIELD
 * in Salesforce's words; `whenMissing` answers for a field the caller does not have.
 */
export function requireExternalIdField(
  schema: SchemaView,
  name: string,
  whenMissing: (name: string) => SfdcError = notExternalId,
): FieldDef {
  const field = schema.field('Task', name);
  if (!field) throw whenMissing(name);
  if (!field.externalId) throw notExternalId(field.name);
  return field;
}

export class TaskDml {
  constructor(
    private readonly store: OrgStore,
    private readonly clock: SandboxClock,
    private readonly faults: FaultInjector,
  ) {}

  create(ctx: ApiContext, body: Record<string, unknown>): string {
    const values = validateTaskWrite(ctx.org, body, 'create', schemaFor(ctx.org, ctx.user));
    this.maybeLockFault(null);
    const now = toWholeSecond(this.clock.nowMs());
    const id = this.store.nextId(KEY_PREFIX.Task);
    const fields: Fields = {
      ...newTaskDefaults(ctx.org.taskFields),
      Id: id,
      OwnerId: ctx.userId,
      ...values,
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: ctx.userId,
      LastModifiedDate: now,
      LastModifiedById: ctx.userId,
      SystemModstamp: now,
    };
    fields.AccountId = deriveAccountId(fields.WhatId);
    // Status (the org's or the record type's default), RecordTypeId, the trigger's edit, IsClosed; or a refusal.
    const triggered = applyTaskSaveRules(ctx, now, true, Object.keys(values), fields);
    checkUniqueValues(ctx.org, fields, Object.keys(fields), null);
    ctx.org.tasks.insert({
      fields,
      deletedAt: null,
      lastModifiedByClient: ctx.client,
      changeOrigin: restChangeOrigin(ctx),
    });
    this.store.recordChange(ctx.org, {
      taskId: id,
      changeType: 'CREATE',
      changedFields: withTriggered(values, triggered),
      commitTimestamp: now,
      changeOrigin: ctx.client,
      userId: ctx.userId,
    });
    return id;
  }

  update(ctx: ApiContext, id: string, body: Record<string, unknown>): string {
    const current = this.requireLive(ctx, id);
    const values = validateTaskWrite(ctx.org, body, 'update', schemaFor(ctx.org, ctx.user));
    this.maybeLockFault(current.fields.Id as string);
    const now = toWholeSecond(this.clock.nowMs());
    const next = cloneTask(current);
    Object.assign(next.fields, values, { LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now });
    next.fields.AccountId = deriveAccountId(next.fields.WhatId);
    const triggered = applyTaskSaveRules(ctx, now, false, Object.keys(values), next.fields);
    checkUniqueValues(ctx.org, next.fields, withTriggered(values, triggered), next.fields.Id as string);
    next.lastModifiedByClient = ctx.client;
    next.changeOrigin = restChangeOrigin(ctx);
    ctx.org.tasks.replace(next);
    this.store.recordChange(ctx.org, {
      taskId: next.fields.Id as string,
      changeType: 'UPDATE',
      changedFields: withTriggered(values, triggered),
      commitTimestamp: now,
      changeOrigin: ctx.client,
      userId: ctx.userId,
    });
    return next.fields.Id as string;
  }

  /**
   * Matches live tasks only, as Salesforce's upsert does; several matches are HTTP 300. `field`:
   * an external id field of the org (the routes check that).
   */
  upsert(ctx: ApiContext, field: FieldDef, externalId: string, body: Record<string, unknown>): UpsertOutcome {
    // The url carries the external id; a copy in the body (sObject Collections send one) is not a second write.
    const rest = { ...body };
    delete rest[field.name];
    // The url's value is text; a Number external id matches and stores it as a number.
    const value = field.type === 'int' && /^-?\d+$/.test(externalId) ? Number(externalId) : externalId;
    const matches = ctx.org.tasks.findLiveByValue(field.name, value);
    if (matches.length > 1)
      throw new MultipleMatchesError(
        matches.map((t) => t.fields.Id as string),
        field.name,
      );
    if (matches.length === 1) return { id: this.update(ctx, matches[0].fields.Id as string, rest), created: false };
    return { id: this.create(ctx, { ...rest, [field.name]: value }), created: true };
  }

  /** To the recycle bin: IsDeleted, a new SystemModstamp, visible to queryAll and getDeleted for 15 days. */
  destroy(ctx: ApiContext, id: string): string {
    const current = this.requireLive(ctx, id);
    this.maybeLockFault(current.fields.Id as string);
    const now = toWholeSecond(this.clock.nowMs());
    const next = cloneTask(current);
    Object.assign(next.fields, {
      IsDeleted: true,
      LastModifiedDate: now,
      LastModifiedById: ctx.userId,
      SystemModstamp: now,
    });
    next.deletedAt = now;
    next.lastModifiedByClient = ctx.client;
    next.changeOrigin = restChangeOrigin(ctx);
    ctx.org.tasks.replace(next);
    this.store.recordChange(ctx.org, {
      taskId: next.fields.Id as string,
      changeType: 'DELETE',
      changedFields: [],
      commitTimestamp: now,
      changeOrigin: ctx.client,
      userId: ctx.userId,
    });
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
      throw new SfdcError(
        400,
        'UNABLE_TO_LOCK_ROW',
        `unable to obtain exclusive access to this record${id ? ` or 1 records: ${id}` : ''}`,
      );
    }
  }
}
