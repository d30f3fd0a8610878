import type { TaskFields } from '@task-sync/task-domain';

/** A link's ids on both sides (null until the create there landed), and what the flusher needs of its state. */
export interface LinkIds {
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
  /** The newest Salesforce change applied to the link (its SystemModstamp). */
  lastSeenSfdc: string | null;
  /** The values both sides should hold now (the link's fields), as Salesforce can hold them. */
  agreedForSfdc: TaskFields | null;
}
