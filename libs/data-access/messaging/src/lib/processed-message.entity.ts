import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per event a consumer applied: the same event delivered again finds its row and does nothing. */
@Entity({ name: 'processed_message' })
export class ProcessedMessageEntity {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'int' })
  partition!: number;

  @Column({ name: 'kafka_offset', type: 'bigint' })
  offset!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
