import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { toSalesforceLogin, type SalesforceEnvironment, type SalesforceLogin } from '@task-sync/sfdc-oauth';

/**
 * Read and saved through TypeORM by six services, so kept as an entity: every column, index and
 * constraint below is what CreateConnection1764000000200 and the ALTERs after it create.
 */
@Entity({ name: 'connection' })
@Index('connection_owner', ['tenantId', 'userId'])
@Unique('connection_one_per_user', ['tenantId', 'userId'])
@Unique('connection_tenant_id_sfdc_org_id_sfdc_user_id_key', ['tenantId', 'sfdcOrgId', 'sfdcUserId'])
@Check('connection_login_environment_check', `login_environment IN ('production', 'sandbox', 'my-domain')`)
@Check(
  'connection_my_domain_host_iff_my_domain',
  `(login_environment = 'my-domain') = (login_my_domain_host IS NOT NULL)`,
)
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  /** The user's IANA zone: Command Center's today and tomorrow (R4). */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'sfdc_org_id', type: 'text' })
  sfdcOrgId!: string;

  @Column({ name: 'sfdc_user_id', type: 'text' })
  sfdcUserId!: string;

  @Column({ name: 'sfdc_username', type: 'text' })
  sfdcUsername!: string;

  @Column({ name: 'instance_url', type: 'text' })
  instanceUrl!: string;

  /** Where the user signs in (toSalesforceLogin): `production`, `sandbox` or `my-domain`. */
  @Column({ name: 'login_environment', type: 'text', default: 'production' })
  loginEnvironment!: SalesforceEnvironment;

  /** The validated My Domain host (`acme.my.salesforce.com`) when the environment is `my-domain`. */
  @Column({ name: 'login_my_domain_host', type: 'text', nullable: true })
  loginMyDomainHost!: string | null;

  /** The refresh token, sealed by TokenCipher: never stored, logged or returned in clear. */
  @Column({ name: 'refresh_token_sealed', type: 'text', nullable: true })
  refreshTokenSealed!: string | null;

  /** The current access token, sealed the same way; handed to our services on the internal API only. */
  @Column({ name: 'access_token_sealed', type: 'text', nullable: true })
  accessTokenSealed!: string | null;

  @Column({ name: 'task_sync_enabled', type: 'boolean', default: false })
  taskSyncEnabled!: boolean;

  /** Set once, by the first enable; R3 and R2 are judged on it. */
  @Column({ name: 'first_enabled_at', type: 'timestamptz', nullable: true })
  firstEnabledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export const loginOf = (c: Pick<ConnectionEntity, 'loginEnvironment' | 'loginMyDomainHost'>): SalesforceLogin =>
  toSalesforceLogin(c.loginEnvironment, c.loginMyDomainHost);
