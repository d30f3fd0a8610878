import { z } from 'zod';
import type { Fields } from '../sandbox-records';
import { TASK_STATUSES, type PicklistValue } from '../sobject-schema';

/** One value of an org's Task Status picklist as the admin API takes it. */
export interface TaskStatusInput {
  /** The API name: what Task.Status holds and TaskStatus.ApiName answers. */
  value: string;
  /** TaskStatus.MasterLabel (default: the value). */
  label?: string;
  closed: boolean;
  default?: boolean;
  sortOrder?: number;
}

/**
 * A whole Task Status list: unique values, exactly one default, and a default that is not closed
 * (Salesforce's Setup refuses that: "The default value cannot be a Closed status").
 */
export const taskStatusList = z
  .array(
    z.object({
      value: z.string().min(1).max(255),
      label: z.string().min(1).max(255).optional(),
      closed: z.boolean(),
      default: z.boolean().optional(),
      sortOrder: z.number().int().min(0).max(999_999_999).optional(),
    }),
  )
  .min(1)
  .superRefine((list, issues) => {
    const seen = new Set<string>();
    for (const s of list) {
      if (seen.has(s.value.toLowerCase()))
        issues.addIssue({ code: 'custom', message: `status ${s.value} is listed twice` });
      seen.add(s.value.toLowerCase());
    }
    const defaults = list.filter((s) => s.default === true);
    if (defaults.length !== 1)
      issues.addIssue({ code: 'custom', message: `exactly one status must be the default (${defaults.length} are)` });
    else if (defaults[0].closed)
      issues.addIssue({ code: 'custom', message: `the default status cannot be a closed one (${defaults[0].value})` });
  });

/** A new org's five statuses: Not Started the default, only Completed closed. */
export const DEFAULT_TASK_STATUSES: TaskStatusInput[] = TASK_STATUSES.map((s, i) => ({
  value: s.value,
  closed: s.closed === true,
  default: s.isDefault === true,
  sortOrder: i + 1,
}));

/**
 * The TaskStatus rows for a list. A value that stays keeps its row's Id and CreatedDate, and its
 * stamps too unless something about it changed; new values get new rows.
 */
export function buildTaskStatusRows(
  list: readonly TaskStatusInput[],
  previous: readonly Fields[],
  now: number,
  userId: string | null,
  nextId: () => string,
): Fields[] {
  const before = new Map(previous.map((row) => [row.ApiName as string, row]));
  return list.map((s, i) => {
    const wanted: Fields = {
      MasterLabel: s.label ?? s.value,
      ApiName: s.value,
      IsClosed: s.closed,
      IsDefault: s.default === true,
      SortOrder: s.sortOrder ?? i + 1,
    };
    const old = before.get(s.value);
    if (old && Object.entries(wanted).every(([k, v]) => old[k] === v)) return old;
    return {
      Id: old ? old.Id : nextId(),
      ...wanted,
      CreatedDate: old ? old.CreatedDate : now,
      CreatedById: old ? old.CreatedById : userId,
      LastModifiedDate: now,
      LastModifiedById: userId,
      SystemModstamp: now,
    };
  });
}

/** Rows written before SortOrder existed (older snapshots) get their list position. */
export function withSortOrder(rows: Fields[]): Fields[] {
  return rows.map((row, i) => (typeof row.SortOrder === 'number' ? row : { ...row, SortOrder: i + 1 }));
}

const findStatus = (rows: readonly Fields[], value: string): Fields | undefined =>
  rows.find((row) => row.ApiName === value);

/** Whether the org counts a status as closed (TaskStatus.IsClosed): what a write derives Task.IsClosed from. */
export function isClosedStatus(rows: readonly Fields[], value: string): boolean {
  return findStatus(rows, value)?.IsClosed === true;
}

export function isKnownStatus(rows: readonly Fields[], value: string): boolean {
  return findStatus(rows, value) !== undefined;
}

/** The status a task created without one gets. */
export function defaultTaskStatus(rows: readonly Fields[]): string {
  return (rows.find((row) => row.IsDefault === true) ?? rows[0]).ApiName as string;
}

/** The org's statuses as Task.Status picklist values, in SortOrder. */
export function taskStatusPicklist(rows: readonly Fields[]): PicklistValue[] {
  return [...rows]
    .sort((a, b) => ((a.SortOrder as number | null) ?? 0) - ((b.SortOrder as number | null) ?? 0))
    .map((row) => ({
      value: row.ApiName as string,
      label: row.MasterLabel as string,
      isDefault: row.IsDefault === true,
      closed: row.IsClosed === true,
    }));
}
