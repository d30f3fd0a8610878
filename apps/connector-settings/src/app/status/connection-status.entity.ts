import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest state other services reported for a connection (sync.connection-status.v1). */
@Entity({ name: 'connection_status' })
export class ConnectionStatusEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @Column({ type: 'text' })
  state!: string;

  /** The current import's progress: found / imported / failed / done (R1). */
  @Column({ name: 'import_progress', type: 'jsonb', nullable: true })
  importProgress!: { enableAt: string; found: number; imported: number; failed: number; done: boolean } | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt!: Date | null;

  @Column({ name: 'api_used', type: 'int', nullable: true })
  apiUsed!: number | null;

  @Column({ name: 'api_limit', type: 'int', nullable: true })
  apiLimit!: number | null;

  /** The newest report applied; an older one arriving late does not win. */
  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;
}

/** Errors by reason, counted, with the latest message. */
@Entity({ name: 'connection_error' })
export class ConnectionErrorEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'int' })
  count!: number;

  @Column({ name: 'last_message', type: 'text' })
  lastMessage!: string;

  @Column({ name: 'last_at', type: 'timestamptz' })
  lastAt!: Date;
}
