import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A consumer's own view of each connection's task-sync setting, built from the settings topic. */
@Entity({ name: 'connection_setting' })
export class ConnectionSettingEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  /** The instant of the first enable (R2, R3: "before the enable"); never changes once set. */
  @Column({ name: 'first_enabled_at', type: 'timestamptz', nullable: true })
  firstEnabledAt!: Date | null;

  /** The instant of the latest change applied; an older event arriving late does not win. */
  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  /**
   * The connection's Salesforce org and user (the owner of the tasks it syncs): an org's change,
   * read once for the whole org, goes to the connections of the task's owner. Null until an event
   * that carries them (events published before they were added do not).
   */
  @Column({ name: 'sfdc_org_id', type: 'text', nullable: true })
  sfdcOrgId!: string | null;

  @Column({ name: 'sfdc_user_id', type: 'text', nullable: true })
  sfdcUserId!: string | null;
}

/** Every enable and disable, in the order they happened: the history R3, R5 and R7 are judged on. */
@Entity({ name: 'connection_setting_change' })
export class ConnectionSettingChangeEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ type: 'text' })
  kind!: 'first-enable' | 're-enable' | 'disable';

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
