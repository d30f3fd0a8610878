import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { enqueueOutbox } from '@task-sync/data-access-messaging';
import { SalesforceOAuthClient } from '@task-sync/sfdc-oauth';
import { ConnectionEntity } from '../connections/connection.entity';
import { buildSettingChangedEntry } from '../connections/setting-changed.outbox';
import { OAuthStatePayload } from './oauth-state';
import { TokenCipher } from './token-cipher';

/** Connect and disconnect Salesforce: the code exchange, the sealed token, the revoke. */
@Injectable()
export class SalesforceConnectService {
  private readonly logger = new Logger('salesforce-connect');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SalesforceOAuthClient) private readonly oauth: SalesforceOAuthClient,
    @Inject(TokenCipher) private readonly cipher: TokenCipher,
  ) {}

  /** After the user allowed access: one connection per tenant, org and Salesforce user; a reconnect keeps it. */
  async completeConnect(state: OAuthStatePayload, code: string): Promise<string> {
    const grant = await this.oauth.exchangeCode(code);
    const sealed = this.cipher.seal(grant.refreshToken);
    const rows = await this.dataSource.query(
      `INSERT INTO connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url, refresh_token_sealed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, sfdc_org_id, sfdc_user_id) DO UPDATE SET
         refresh_token_sealed = EXCLUDED.refresh_token_sealed, instance_url = EXCLUDED.instance_url,
         sfdc_username = EXCLUDED.sfdc_username, updated_at = now()
       WHERE connection.user_id = EXCLUDED.user_id
       RETURNING id`,
      [state.tenantId, state.userId, state.timeZone, grant.orgId, grant.userId, grant.username, grant.instanceUrl, sealed],
    );
    if (rows.length === 0) throw new Error('that Salesforce user is already connected by another user of this tenant');
    this.logger.log(`connected Salesforce user ${grant.userId} of org ${grant.orgId}`);
    return rows[0].id as string;
  }

  /**
   * Disconnect: revoke the token at Salesforce, then delete the connection (its token with it).
   * A connection with sync on announces the disable first, through the outbox, in the same transaction.
   */
  async disconnect(connection: ConnectionEntity): Promise<void> {
    if (connection.refreshTokenSealed) {
      try {
        await this.oauth.revoke(this.cipher.open(connection.refreshTokenSealed));
      } catch (e) {
        // The token goes from our side regardless; Salesforce expires unused tokens by policy.
        this.logger.warn(`revoking the refresh token failed (${(e as Error).message}); deleting it anyway`);
      }
    }
    await this.dataSource.transaction(async (manager) => {
      // With sync on, the disable is announced first (its history row goes with the connection).
      if (connection.taskSyncEnabled) {
        await enqueueOutbox(manager, [buildSettingChangedEntry(connection, 'disable', randomUUID(), new Date())]);
      }
      await manager.getRepository(ConnectionEntity).delete({ id: connection.id });
    });
  }
}
