import type { EnableKind, SfdcReadStage } from '@task-sync/sync-rules';

/** A row of sfdc_sync_state. Every position moves only after Kafka acknowledged what was read. */
export interface SfdcSyncState {
  connectionId: string;
  /** The enable being served (R2's 24 hours and R5's 15 days end here) and its kind. */
  enableAt: Date;
  enableKind: EnableKind;
  stage: SfdcReadStage;
  /** Keyset of the import (R2) or of the re-enable delete read (R5): the last record published. */
  importAfterStamp: Date | null;
  importAfterId: string | null;
  importFound: number | null;
  importImported: number;
  importFailed: number;
  /** The newest SystemModstamp published while live; each poll starts a look-back before it. */
  changesWatermark: Date;
  /** The lower bound of the poll in progress, and its keyset (a poll may take several pages). */
  pollFrom: Date | null;
  pollAfterStamp: Date | null;
  pollAfterId: string | null;
  /** getDeleted's last `latestDateCovered`: the next call's start (Salesforce's clock, whole minutes). */
  deletesWatermark: Date;
  /** When getDeleted last ran (every DELETE_AUDIT_INTERVAL_MS). */
  auditedAt: Date | null;
  nextRunAt: Date;
  /** Per-rep polls in a row that found nothing: the wait before the next doubles with each (perRepPollDelayMs). */
  idlePolls: number;
  /** Why the connection is paused (an error code), or null. */
  pausedReason: string | null;
  /** When the last complete poll began (what it read is everything stamped before); null until one completed. */
  polledThrough: Date | null;
  /** A replica works on a connection only while it holds the lease. */
  leaseUntil: Date | null;
}
