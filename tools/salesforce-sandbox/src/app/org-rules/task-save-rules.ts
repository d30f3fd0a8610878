import type { ApiContext } from '../api-guard.middleware';
import type { Fields } from '../sandbox-records';
import { SfdcError } from '../sfdc-error';
import { schemaFor } from '../org-schema';
import { tooLong } from '../task-validation';
import { localDayOf } from '../soql-date-literal';
import { DAY_MS } from '../sfdc-datetime';
import { findRecordType, userDefaultRecordType } from './record-types';
import { defaultTaskStatus, isClosedStatus } from './task-statuses';
import { triggeredValue } from './task-trigger';
import { checkValidationRules } from './validation-rules';

const badStatus = (status: unknown): SfdcError =>
  new SfdcError(
    400,
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    `Status: bad value for restricted picklist field: ${String(status)}`,
    ['Status'],
  );

/**
 * In Salesforce's order of execution: create defaults, record type values, the before-save trigger,
 * IsClosed, then validation rules (which see the trigger's edit). Throws before anything is stored.
 */
export function applyTaskSaveRules(
  ctx: Pick<ApiContext, 'org' | 'user' | 'userId'>,
  nowMs: number,
  isCreate: boolean,
  written: readonly string[],
  next: Fields,
): string[] {
  const { org } = ctx;
  const { recordTypes, taskTrigger, validationRules } = org.rules;
  if (isCreate) {
    if (recordTypes.length > 0 && (next.RecordTypeId ?? null) === null)
      next.RecordTypeId = userDefaultRecordType(recordTypes, org.rules.userRecordTypes, ctx.userId)?.fields.Id ?? null;
    if (!written.includes('Status')) {
      const recordType =
        typeof next.RecordTypeId === 'string' ? findRecordType(recordTypes, next.RecordTypeId) : undefined;
      next.Status = recordType?.defaultStatus ?? defaultTaskStatus(org.taskStatuses);
    }
  }
  // Record types restrict the picklist when the status or the record type is being set.
  if (
    recordTypes.length > 0 &&
    typeof next.RecordTypeId === 'string' &&
    (isCreate || written.includes('Status') || written.includes('RecordTypeId'))
  ) {
    const recordType = findRecordType(recordTypes, next.RecordTypeId);
    if (recordType && !recordType.statuses.includes(next.Status as string)) throw badStatus(next.Status);
  }
  const triggered: string[] = [];
  if (taskTrigger) {
    const value = triggeredValue(taskTrigger, next);
    const field = schemaFor(org).field('Task', taskTrigger.field);
    if (typeof value === 'string' && field?.length !== undefined && value.length > field.length)
      throw tooLong(field, value);
    next[taskTrigger.field] = value;
    triggered.push(taskTrigger.field);
  }
  next.IsClosed = isClosedStatus(org.taskStatuses, next.Status as string);
  checkValidationRules(validationRules, next, () =>
    new Date(localDayOf(nowMs, ctx.user.fields.TimeZoneSidKey as string) * DAY_MS).toISOString().slice(0, 10),
  );
  return triggered;
}
