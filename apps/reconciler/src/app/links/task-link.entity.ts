import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TaskFields, TaskLink } from '@task-sync/task-domain';

/** A Sales Connect task paired with a Salesforce task (TaskLink in @task-sync/task-domain), unique both ways while live. */
@Entity({ name: 'task_link' })
export class TaskLinkEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ name: 'salesconnect_task_id', type: 'text', nullable: true })
  salesConnectTaskId!: string | null;

  @Column({ name: 'sfdc_task_id', type: 'text', nullable: true })
  sfdcTaskId!: string | null;

  /** The rest of the TaskLink: fields as last synced, what each side last showed, writes not yet seen back. */
  @Column({ type: 'jsonb' })
  link!: Omit<TaskLink, 'salesConnectTaskId' | 'sfdcTaskId'>;

  @Column({ name: 'unlinked_at', type: 'timestamptz', nullable: true })
  unlinkedAt!: Date | null;
}

/** A write the decisions queued for the flusher: the effect of a change, committed with its processed-message record. */
@Entity({ name: 'task_write' })
export class TaskWriteEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ name: 'link_id', type: 'uuid' })
  linkId!: string;

  @Column({ type: 'text' })
  side!: 'salesconnect' | 'sfdc';

  @Column({ type: 'jsonb' })
  action!: QueuedWrite;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}

export type QueuedWrite =
  | { type: 'create'; fields: TaskFields }
  | { type: 'update'; fields: Partial<TaskFields> }
  | { type: 'complete' | 'reopen' | 'delete' };

/** Conflicts the rules resolved (both sides changed a field since the last sync), for an operator. */
@Entity({ name: 'sync_conflict' })
export class SyncConflictEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ type: 'text' })
  field!: string;
}
