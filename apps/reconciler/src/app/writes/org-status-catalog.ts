import {
  buildOrgStatusModel,
  type OrgStatusModel,
  type OrgTaskStatus,
  type RecordTypeStatuses,
} from '@task-sync/task-mapping';

/** What the catalog asks Salesforce, as one rep (SalesforceTaskWriter): each a call counted against the org's allocation. */
export interface StatusSource {
  orgId(): Promise<string>;
  readTaskStatuses(): Promise<OrgTaskStatus[]>;
  readTaskRecordTypes(): Promise<{ ids: string[]; defaultId: string | null }>;
  readRecordTypeStatuses(recordTypeId: string): Promise<RecordTypeStatuses>;
}

interface OrgEntry {
  readAt: number;
  statuses: Promise<OrgTaskStatus[]>;
  recordTypes: Map<string, Promise<RecordTypeStatuses>>;
}

interface RepEntry {
  readAt: number;
  recordTypes: Promise<{ ids: string[]; defaultId: string | null }>;
}

/**
 * Kept for `refreshMs`, so an admin who renames statuses is seen within it. A read that fails is
 * forgotten, so the next write asks again.
 */
export class OrgStatusCatalog {
  private readonly orgs = new Map<string, OrgEntry>();
  private readonly reps = new Map<string, RepEntry>();

  constructor(
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async modelFor(connectionId: string, source: StatusSource): Promise<OrgStatusModel> {
    const orgId = await source.orgId();
    const rep =
      this.fresh(this.reps.get(connectionId)) ??
      this.remember(
        this.reps,
        connectionId,
        { readAt: this.now(), recordTypes: source.readTaskRecordTypes() },
        (e) => e.recordTypes,
      );
    const org =
      this.fresh(this.orgs.get(orgId)) ??
      this.remember(
        this.orgs,
        orgId,
        { readAt: this.now(), statuses: source.readTaskStatuses(), recordTypes: new Map() },
        (e) => e.statuses,
      );
    const [statuses, { ids, defaultId }] = await Promise.all([org.statuses, rep.recordTypes]);
    const recordTypes = new Map<string, RecordTypeStatuses>();
    for (const id of ids) {
      let values = org.recordTypes.get(id);
      if (!values) {
        values = source.readRecordTypeStatuses(id);
        org.recordTypes.set(id, values);
        values.catch(() => org.recordTypes.delete(id));
      }
      recordTypes.set(id, await values);
    }
    return buildOrgStatusModel(statuses, recordTypes, defaultId);
  }

  /** A connection whose session changed (another rep, another org) reads its record types again. */
  forget(connectionId: string): void {
    this.reps.delete(connectionId);
  }

  private fresh<T extends { readAt: number }>(entry: T | undefined): T | undefined {
    return entry && this.now() - entry.readAt < this.refreshMs ? entry : undefined;
  }

  private remember<T>(map: Map<string, T>, key: string, entry: T, read: (e: T) => Promise<unknown>): T {
    map.set(key, entry);
    read(entry).catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return entry;
  }
}
