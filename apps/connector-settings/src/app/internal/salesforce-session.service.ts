import { ConflictException, HttpException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SalesforceSession } from '@task-sync/sfdc-client';
import { SalesforceGrantRevoked, SalesforceOAuthClient } from '@task-sync/sfdc-oauth';
import { ConnectionEntity } from '../connections/connection.entity';
import { TokenCipher } from '../salesforce/token-cipher';

/**
 * Hands out the connection's current access token, and a new one when the caller says Salesforce
 * rejected it (`rejectedAccessToken`). The access token is kept sealed, like the refresh token, so
 * every service shares one session per connection instead of refreshing on every start.
 */
@Injectable()
export class SalesforceSessionService {
  private readonly logger = new Logger('salesforce-session');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SalesforceOAuthClient) private readonly oauth: SalesforceOAuthClient,
    @Inject(TokenCipher) private readonly cipher: TokenCipher,
  ) {}

  async obtain(connectionId: string, rejectedAccessToken: string | undefined, caller: string): Promise<SalesforceSession> {
    const connection = await this.dataSource.getRepository(ConnectionEntity).findOneBy({ id: connectionId });
    if (!connection) throw new NotFoundException({ error: 'CONNECTION_NOT_FOUND', message: `no connection ${connectionId}` });
    if (!connection.refreshTokenSealed) {
      throw new ConflictException({ error: 'SALESFORCE_NOT_CONNECTED', message: 'the connection holds no Salesforce grant' });
    }
    const cached = connection.accessTokenSealed ? this.cipher.open(connection.accessTokenSealed) : null;
    if (cached && cached !== rejectedAccessToken) return this.toSession(connection, cached, connection.instanceUrl);

    let fresh;
    try {
      fresh = await this.oauth.refreshAccessToken(this.cipher.open(connection.refreshTokenSealed));
    } catch (e) {
      if (e instanceof SalesforceGrantRevoked) {
        this.logger.warn(`connection ${connectionId}: Salesforce refused the refresh token (${e.message}); the user must connect again`);
        throw new ConflictException({ error: 'SALESFORCE_REAUTHORIZATION_REQUIRED', message: 'Salesforce refused the grant: connect Salesforce again' });
      }
      this.logger.error(`connection ${connectionId}: refreshing the Salesforce session failed: ${(e as Error).message}`);
      throw new HttpException({ error: 'SALESFORCE_UNAVAILABLE', message: 'Salesforce did not answer the token refresh; try again' }, 502);
    }
    await this.dataSource.query(`UPDATE connection SET access_token_sealed = $2, instance_url = $3, updated_at = now() WHERE id = $1`, [
      connectionId,
      this.cipher.seal(fresh.accessToken),
      fresh.instanceUrl,
    ]);
    this.logger.log(`connection ${connectionId}: new Salesforce session for ${caller}${rejectedAccessToken ? ' (the old one was rejected)' : ''}`);
    return this.toSession(connection, fresh.accessToken, fresh.instanceUrl);
  }

  private toSession(connection: ConnectionEntity, accessToken: string, instanceUrl: string): SalesforceSession {
    return { connectionId: connection.id, orgId: connection.sfdcOrgId, userId: connection.sfdcUserId, instanceUrl, accessToken };
  }
}
