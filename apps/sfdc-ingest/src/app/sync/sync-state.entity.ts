import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SyncStage = 'import' | 'reenable-deletes' | 'live';

/**
 * Where sfdc-ingest is with one connection, as explicit columns (after twenty's calendar channel:
 * stage, cursors, watermarks). Every position moves only after Kafka acknowledged what was read.
 */
@Entity({ name: 'sfdc_sync_state' })
export class SfdcSyncStateEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  /** The enable being served (R2's 24 hours and R5's 15 days end here) and its kind. */
  @Column({ name: 'enable_at', type: 'timestamptz' })
  enableAt!: Date;

  @Column({ name: 'enable_kind', type: 'text' })
  enableKind!: 'first-enable' | 're-enable';

  @Column({ type: 'text' })
  stage!: SyncStage;

  /** Keyset of the import (R2) or of the re-enable delete read (R5): the last record published. */
  @Column({ name: 'import_after_stamp', type: 'timestamptz', nullable: true })
  importAfterStamp!: Date | null;

  @Column({ name: 'import_after_id', type: 'text', nullable: true })
  importAfterId!: string | null;

  @Column({ name: 'import_found', type: 'int', nullable: true })
  importFound!: number | null;

  @Column({ name: 'import_imported', type: 'int', default: 0 })
  importImported!: number;

  @Column({ name: 'import_failed', type: 'int', default: 0 })
  importFailed!: number;

  /** The newest SystemModstamp published while live; each poll starts a look-back before it. */
  @Column({ name: 'changes_watermark', type: 'timestamptz' })
  changesWatermark!: Date;

  /** The lower bound of the poll in progress, and its keyset (a poll may take several pages). */
  @Column({ name: 'poll_from', type: 'timestamptz', nullable: true })
  pollFrom!: Date | null;

  @Column({ name: 'poll_after_stamp', type: 'timestamptz', nullable: true })
  pollAfterStamp!: Date | null;

  @Column({ name: 'poll_after_id', type: 'text', nullable: true })
  pollAfterId!: string | null;

  /** getDeleted's last `latestDateCovered`: the next call's start (Salesforce's clock, whole minutes). */
  @Column({ name: 'deletes_watermark', type: 'timestamptz' })
  deletesWatermark!: Date;

  /** When getDeleted last ran (every DELETE_AUDIT_INTERVAL_MS). */
  @Column({ name: 'audited_at', type: 'timestamptz', nullable: true })
  auditedAt!: Date | null;

  @Column({ name: 'next_run_at', type: 'timestamptz' })
  nextRunAt!: Date;

  /** Per-rep polls in a row that found nothing: the wait before the next doubles with each (perRepPollDelayMs). */
  @Column({ name: 'idle_polls', type: 'int', default: 0 })
  idlePolls!: number;

  /** Why the connection is paused (an error code), or null. */
  @Column({ name: 'paused_reason', type: 'text', nullable: true })
  pausedReason!: string | null;

  /** When the last complete poll began (what it read is everything stamped before); null until one completed. */
  @Column({ name: 'polled_through', type: 'timestamptz', nullable: true })
  polledThrough!: Date | null;

  /** A replica works on a connection only while it holds the lease. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;
}

/** Records published within the look-back, so a re-read publishes nothing twice. Pruned behind the watermarks. */
@Entity({ name: 'sfdc_published_change' })
export class SfdcPublishedChangeEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  stamp!: Date;

  /** A hash of the record as read (two edits in one second share the stamp). */
  @PrimaryColumn({ type: 'text' })
  fingerprint!: string;
}
