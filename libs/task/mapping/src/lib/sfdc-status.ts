import { SFDC_STATUS } from '@task-sync/task-domain';

/** One `TaskStatus` row of an org: `ApiName` (what `Task.Status` holds), `IsClosed`, `IsDefault`, `SortOrder`. */
export interface OrgTaskStatus {
  value: string;
  closed: boolean;
  isDefault: boolean;
  sortOrder: number;
}

/** The Status values a Task record type allows, and its default (the UI API's picklist values for it). */
export interface RecordTypeStatuses {
  values: readonly string[];
  defaultValue: string | null;
}

/**
 * What an org's Task Status picklist is, as the writer learnt it: the org's statuses, and for an
 * org with Task record types, each one's allowed values (keyed by the 15-character record type id)
 * and the writing rep's default record type (what a create without `RecordTypeId` gets).
 */
export interface OrgStatusModel {
  statuses: readonly OrgTaskStatus[];
  recordTypes: ReadonlyMap<string, RecordTypeStatuses>;
  defaultRecordTypeId: string | null;
}

/** What the sync writes until it has read the org's own statuses. */
export const STANDARD_STATUS_MODEL: OrgStatusModel = {
  statuses: [
    { value: SFDC_STATUS.notStarted, closed: false, isDefault: true, sortOrder: 1 },
    { value: SFDC_STATUS.completed, closed: true, isDefault: false, sortOrder: 3 },
  ],
  recordTypes: new Map(),
  defaultRecordTypeId: null,
};

const recordTypeKey = (id: string): string => id.slice(0, 15);

/**
 * Open is what Salesforce gives a new task of that record type; Complete, the first closed status the
 * record type allows. With none allowed, the standard label is kept so Salesforce's refusal says why.
 */
export function chooseSfdcStatus(model: OrgStatusModel, open: boolean, recordTypeId?: string | null): string {
  const recordTypeIdOrDefault = recordTypeId ?? model.defaultRecordTypeId;
  const recordType = recordTypeIdOrDefault ? model.recordTypes.get(recordTypeKey(recordTypeIdOrDefault)) : undefined;
  const allowed = (s: OrgTaskStatus) => !recordType || recordType.values.includes(s.value);
  const byOrder = [...model.statuses].sort((a, b) => a.sortOrder - b.sortOrder).filter(allowed);
  if (!open) return byOrder.find((s) => s.closed)?.value ?? SFDC_STATUS.completed;
  const recordTypeDefault = recordType?.defaultValue
    ? byOrder.find((s) => s.value === recordType.defaultValue && !s.closed)
    : undefined;
  return (
    (recordTypeDefault ?? byOrder.find((s) => s.isDefault && !s.closed) ?? byOrder.find((s) => !s.closed))?.value ??
    SFDC_STATUS.notStarted
  );
}

/** Keys record types' statuses as `chooseSfdcStatus` looks them up. */
export function buildOrgStatusModel(
  statuses: readonly OrgTaskStatus[],
  recordTypes: ReadonlyMap<string, RecordTypeStatuses>,
  defaultRecordTypeId: string | null,
): OrgStatusModel {
  return {
    statuses,
    recordTypes: new Map([...recordTypes].map(([id, rt]) => [recordTypeKey(id), rt])),
    defaultRecordTypeId: defaultRecordTypeId ? recordTypeKey(defaultRecordTypeId) : null,
  };
}
