import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `streaming`: subscribed. `retrying`: a passing failure; subscribing again at `retry_at`, from the
 * stored replay id. `down`: Salesforce refuses the stream (permission, Change Data Capture off, the
 * daily event limit, the reader's grant); tried again at `retry_at`. `stopped`: no replica streams it.
 */
export type OrgStreamState = 'streaming' | 'retrying' | 'down' | 'stopped';

const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * One Salesforce org's Change Data Capture stream. The replica holding the lease is the only one
 * subscribed; the replay id moves only after Kafka acknowledged what came before it.
 */
@Entity({ name: 'sfdc_org_stream' })
export class SfdcOrgStreamEntity {
  @PrimaryColumn({ name: 'org_id', type: 'text' })
  orgId!: string;

  /** The last event handed to Kafka: the stream resumes after it. Null: subscribe to new events only. */
  @Column({ name: 'replay_id', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  replayId!: number | null;

  @Column({ name: 'lease_holder', type: 'text', nullable: true })
  leaseHolder!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'text' })
  state!: OrgStreamState;

  /** Why it is in that state (an error code and Salesforce's words), for a person to read. */
  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason!: string | null;

  /** When a `retrying` or `down` stream is tried again (whichever replica holds it then). */
  @Column({ name: 'retry_at', type: 'timestamptz', nullable: true })
  retryAt!: Date | null;

  /** The commit time of the last event handed to Kafka. */
  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true })
  lastEventAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
