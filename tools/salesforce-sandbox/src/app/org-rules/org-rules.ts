import { describeRecordTypeInfos, userDefaultRecordType, type TaskRecordType } from './record-types';
import type { TaskTrigger } from './task-trigger';
import type { ValidationRule } from './validation-rules';

/**
 * What an org's administrator set up for Task besides its fields: record types (and which one
 * each user gets by default), validation rules and a trigger. A new org has none of them.
 * The Task Status values live in `OrgState.taskStatuses` (the TaskStatus rows SOQL reads).
 */
export interface OrgRules {
  recordTypes: TaskRecordType[];
  /** User id → the id of their default Task record type. */
  userRecordTypes: Record<string, string>;
  /** In definition order: the order they are checked and their errors answered in. */
  validationRules: ValidationRule[];
  taskTrigger: TaskTrigger | null;
}

export const emptyOrgRules = (): OrgRules => ({
  recordTypes: [],
  userRecordTypes: {},
  validationRules: [],
  taskTrigger: null,
});

/** Snapshots written before org rules existed load with none; a copy, so a loaded snapshot is not shared. */
export function loadOrgRules(saved: Partial<OrgRules> | undefined): OrgRules {
  return {
    recordTypes: (saved?.recordTypes ?? []).map((rt) => ({
      ...rt,
      fields: { ...rt.fields },
      statuses: [...rt.statuses],
    })),
    userRecordTypes: { ...(saved?.userRecordTypes ?? {}) },
    validationRules: (saved?.validationRules ?? []).map((r) => ({ ...r })),
    taskTrigger: saved?.taskTrigger ? { ...saved.taskTrigger } : null,
  };
}

/** Task's describe `recordTypeInfos` for one caller (their default marked). */
export const describeTaskRecordTypes = (rules: OrgRules, userId: string, version: string): Record<string, unknown>[] =>
  describeRecordTypeInfos(
    'Task',
    version,
    rules.recordTypes,
    userDefaultRecordType(rules.recordTypes, rules.userRecordTypes, userId),
  );

/** What refers to a field (Setup refuses to delete a field a validation rule or trigger uses): their names. */
export function rulesUsingField(rules: OrgRules, fieldName: string): string[] {
  const named = (name: string | undefined) => name?.toLowerCase() === fieldName.toLowerCase();
  return [
    ...rules.validationRules
      .filter((r) => named(r.field) || named(r.errorField))
      .map((r) => `Validation Rule ${r.name}`),
    ...(rules.taskTrigger && named(rules.taskTrigger.field) ? ['Apex Trigger TaskTrigger'] : []),
  ];
}
