import { ConflictException, HttpException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SalesforceSession } from '@task-sync/sfdc-client';
import { SalesforceGrantRevoked, type SalesforceLogin } from '@task-sync/sfdc-oauth';
import { READINESS_ADVICE } from '@task-sync/sync-rules';
import { ConnectionPreflightRepository } from '../connection-preflight/connection-preflight.repository';
import { ConnectionEntity, loginOf } from '../connections/connection.entity';
import { READER_LOGIN } from '../org-reader/org-reader';
import { OrgReaderRepository } from '../org-reader/org-reader.repository';
import { SalesforceGrants } from '../salesforce/salesforce-grants';

/** An org reader's session: a connection's shape without the connection (the reader belongs to the org). */
export type OrgReaderSession = Omit<SalesforceSession, 'connectionId'>;

/** Whose grant a session is renewed from: a connection's, or an org reader's. */
interface GrantHolder {
  /** For the logs: `connection <id>`, `org reader of <orgId>`. */
  name: string;
  /** Where the grant was made: refreshed there. */
  login: SalesforceLogin;
  refreshTokenSealed: string;
  accessTokenSealed: string | null;
  instanceUrl: string;
  storeAccessToken(accessTokenSealed: string, instanceUrl: string): Promise<void>;
  /** Salesforce refused the refresh token. */
  grantRevoked(): Promise<void>;
}

/**
 * The access token is kept sealed, like the refresh token, so every service shares one session per
 * grant instead of refreshing on every start.
 */
@Injectable()
export class SalesforceSessionService {
  private readonly logger = new Logger('salesforce-session');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SalesforceGrants) private readonly grants: SalesforceGrants,
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(ConnectionPreflightRepository) private readonly preflights: ConnectionPreflightRepository,
  ) {}

  /**
   * `forPreflight`: the connection's own preflight asks; everyone else is refused a session while the
   * connection's last preflight found the org or the rep not ready (409 SALESFORCE_SETUP_INCOMPLETE,
   * with the state): that is how sfdc-ingest and the reconciler pause, and resume once one passes.
   */
  async obtain(
    connectionId: string,
    rejectedAccessToken: string | undefined,
    caller: string,
    options: { forPreflight?: boolean } = {},
  ): Promise<SalesforceSession> {
    const connection = await this.dataSource.getRepository(ConnectionEntity).findOneBy({ id: connectionId });
    if (!connection)
      throw new NotFoundException({ error: 'CONNECTION_NOT_FOUND', message: `no connection ${connectionId}` });
    if (!connection.refreshTokenSealed) {
      throw new ConflictException({
        error: 'SALESFORCE_NOT_CONNECTED',
        message: 'the connection holds no Salesforce grant',
      });
    }
    const blocked = options.forPreflight ? null : await this.preflights.blockingStateOf(connectionId);
    if (blocked) {
      throw new ConflictException({
        error: 'SALESFORCE_SETUP_INCOMPLETE',
        state: blocked.state,
        message: `${blocked.state}: ${READINESS_ADVICE[blocked.state]}`,
      });
    }
    const session = await this.currentAccess(
      {
        name: `connection ${connectionId}`,
        login: loginOf(connection),
        refreshTokenSealed: connection.refreshTokenSealed,
        accessTokenSealed: connection.accessTokenSealed,
        instanceUrl: connection.instanceUrl,
        storeAccessToken: (sealed, instanceUrl) =>
          this.dataSource.query(
            `UPDATE connection SET access_token_sealed = $2, instance_url = $3, updated_at = now() WHERE id = $1`,
            [connectionId, sealed, instanceUrl],
          ),
        // The connection keeps its grant: the rep's status says "unauthorized" until they connect again.
        grantRevoked: async () => undefined,
      },
      rejectedAccessToken,
      caller,
    );
    return { connectionId: connection.id, orgId: connection.sfdcOrgId, userId: connection.sfdcUserId, ...session };
  }

  /** The org reader's session (`orgId` in its 15- or 18-character form); a refused grant marks the reader revoked. */
  async obtainForOrgReader(
    orgId: string,
    rejectedAccessToken: string | undefined,
    caller: string,
  ): Promise<OrgReaderSession> {
    const reader = await this.readers.findByOrg(orgId);
    if (!reader)
      throw new NotFoundException({ error: 'ORG_READER_NOT_FOUND', message: `no reader for Salesforce org ${orgId}` });
    if (!reader.refreshTokenSealed) {
      throw new ConflictException({
        error: 'SALESFORCE_NOT_CONNECTED',
        message: "Salesforce refused the org reader's grant: an administrator must connect it again",
      });
    }
    const session = await this.currentAccess(
      {
        name: `org reader of ${reader.orgId}`,
        login: READER_LOGIN,
        refreshTokenSealed: reader.refreshTokenSealed,
        accessTokenSealed: reader.accessTokenSealed,
        instanceUrl: reader.instanceUrl,
        storeAccessToken: (sealed, instanceUrl) => this.readers.storeAccessToken(reader.orgId, sealed, instanceUrl),
        grantRevoked: () => this.readers.markRevoked(reader.orgId),
      },
      rejectedAccessToken,
      caller,
    );
    return { orgId: reader.orgId, userId: reader.sfdcUserId, ...session };
  }

  private async currentAccess(
    holder: GrantHolder,
    rejectedAccessToken: string | undefined,
    caller: string,
  ): Promise<{ instanceUrl: string; accessToken: string }> {
    const cached = holder.accessTokenSealed ? this.grants.open(holder.accessTokenSealed) : null;
    if (cached && cached !== rejectedAccessToken) return { instanceUrl: holder.instanceUrl, accessToken: cached };

    let fresh;
    try {
      fresh = await this.grants.refreshAccessToken(holder.login, holder.refreshTokenSealed);
    } catch (e) {
      if (e instanceof SalesforceGrantRevoked) {
        this.logger.warn(
          `${holder.name}: Salesforce refused the refresh token (${e.message}); it must be connected again`,
        );
        await holder.grantRevoked();
        throw new ConflictException({
          error: 'SALESFORCE_REAUTHORIZATION_REQUIRED',
          message: 'Salesforce refused the grant: connect Salesforce again',
        });
      }
      this.logger.error(`${holder.name}: refreshing the Salesforce session failed: ${(e as Error).message}`);
      throw new HttpException(
        { error: 'SALESFORCE_UNAVAILABLE', message: 'Salesforce did not answer the token refresh; try again' },
        502,
      );
    }
    await holder.storeAccessToken(this.grants.seal(fresh.accessToken), fresh.instanceUrl);
    // Salesforce moves an org (a migration, a My Domain change) and says so only here: every service's next session has it.
    if (fresh.instanceUrl !== holder.instanceUrl)
      this.logger.warn(
        `${holder.name}: Salesforce moved its instance from ${holder.instanceUrl} to ${fresh.instanceUrl}`,
      );
    this.logger.log(
      `${holder.name}: new Salesforce session for ${caller}${rejectedAccessToken ? ' (the old one was rejected)' : ''}`,
    );
    return { instanceUrl: fresh.instanceUrl, accessToken: fresh.accessToken };
  }
}
