import type { TaskFields } from '@task-sync/task-domain';

/** A link's ids on both sides (null until the create there landed), and what the flusher needs of its state. */
export interface LinkIds {
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  /**
   * The newest Salesforce change applied to the link (its SystemModstamp). Not the stamp of the
   * sync's own last write (TaskLink.sfdcWrittenAt): Salesforce stamps whole seconds, so a person's
   * edit in that same second would pass for ours and be overwritten unread.
   */
  lastSeenSfdc: string | null;
  /** SystemModstamp read right after the sync's own last write there (TaskLink.sfdcWrittenAt): until a read reaches it, an update waits. */
  sfdcWrittenAt: string | null;
  /** The task went on one side (TaskLink unlinked_at): no read of it is coming. */
  unlinked: boolean;
  /** The values both sides should hold now (the link's fields), as Salesforce can hold them. */
  agreedForSfdc: TaskFields | null;
  /** The same, as Sales Connect holds them. */
  agreedForSalesConnect: TaskFields | null;
  /** The Sales Connect version the link knows the task at (TaskLink.salesConnectVersion); writes go If-Match it. */
  salesConnectVersion: number | null;
  /** The task's subject as the link has it (for the task's timeline and failed-write reports). */
  subject?: string | null;
}

/** The values agreed now for the fields a write names, not those of when it was queued: a change read while it waited may have moved them. */
export function agreedNow(fields: Partial<TaskFields>, agreed: TaskFields | null | undefined): Partial<TaskFields> {
  if (!agreed) return fields;
  return Object.fromEntries(Object.keys(fields).map((f) => [f, agreed[f as keyof TaskFields]])) as Partial<TaskFields>;
}
