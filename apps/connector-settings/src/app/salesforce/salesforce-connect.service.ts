import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { enqueueOutbox } from '@task-sync/data-access-messaging';
import { SalesforceOAuthClient, createPkcePair } from '@task-sync/sfdc-oauth';
import type { Principal } from '../auth/principal';
import { ConnectionEntity } from '../connections/connection.entity';
import { buildSettingChangedEntry } from '../connections/setting-changed.outbox';
import { stampSettingChange } from '../connections/settings-clock';
import { OrgReaderService, type SettledCallback } from '../org-reader/org-reader.service';
import { hashBrowserKey, judgeConnectAttempt, type ConnectPurpose, type ConnectRefusal } from './connect-attempt';
import { ConnectAttemptRepository } from './connect-attempt.repository';
import { OAuthStatePayload, OAuthStateSigner } from './oauth-state';
import { revokeGrant } from './revoke-grant';
import { TokenCipher } from './token-cipher';

/**
 * How a callback ended: a connection, the org's reader, another tenant holding that org's reader,
 * Salesforce's refusal, our refusal, or a failed exchange.
 */
export type CallbackOutcome =
  | { kind: 'connected'; connectionId: string }
  | { kind: 'reader-connected'; orgId: string }
  | { kind: 'reader-held-elsewhere' }
  | { kind: 'denied'; error: string }
  | { kind: 'refused'; reason: ConnectRefusal }
  | { kind: 'failed' };

/** Connect and disconnect Salesforce: the attempt, the code exchange, the sealed token, the revoke. */
@Injectable()
export class SalesforceConnectService {
  private readonly logger = new Logger('salesforce-connect');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SalesforceOAuthClient) private readonly oauth: SalesforceOAuthClient,
    @Inject(TokenCipher) private readonly cipher: TokenCipher,
    @Inject(OAuthStateSigner) private readonly states: OAuthStateSigner,
    @Inject(ConnectAttemptRepository) private readonly attempts: ConnectAttemptRepository,
    @Inject(OrgReaderService) private readonly orgReaders: OrgReaderService,
  ) {}

  /**
   * Stores a single-use attempt bound to the browser's key, with a PKCE verifier; returns where to
   * send the browser. `purpose`: the user's own connection, or (for an admin) the org's reader.
   */
  async startConnect(who: Principal, browserKey: string, ttlSeconds: number, purpose: ConnectPurpose = 'connection'): Promise<string> {
    const nonce = randomBytes(32).toString('base64url');
    const pkce = createPkcePair();
    await this.attempts.open({
      nonce,
      purpose,
      tenantId: who.tenantId,
      userId: who.userId,
      timeZone: who.timeZone,
      browserHash: hashBrowserKey(browserKey),
      codeVerifierSealed: this.cipher.seal(pkce.verifier),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
    return this.oauth.buildAuthorizeUrl(this.states.sign({ tenantId: who.tenantId, userId: who.userId, nonce }), pkce.challenge);
  }

  /**
   * Salesforce's answer for an attempt. The attempt is locked, judged, and marked used in the same
   * transaction that stores the connection, so a state completes at most one connection; a refused
   * callback writes nothing. One connection per tenant, org and Salesforce user; a reconnect keeps it.
   * An org reader's attempt stores the org's reader instead (OrgReaderService).
   */
  async completeConnect(state: OAuthStatePayload, browserKey: string | undefined, answer: { code: string } | { error: string }): Promise<CallbackOutcome> {
    const settled = await this.dataSource.transaction(async (manager): Promise<SettledCallback> => {
      const attempt = await this.attempts.lockForCallback(manager, state.nonce);
      const refusal = judgeConnectAttempt(attempt, { ...state, browserKey }, new Date());
      if (refusal || !attempt) {
        this.logger.warn(`refused a Salesforce callback: ${refusal}`);
        return { outcome: { kind: 'refused', reason: refusal ?? 'UNKNOWN_STATE' } };
      }
      await this.attempts.markUsed(manager, attempt.nonce);
      if ('error' in answer) return { outcome: { kind: 'denied', error: answer.error } };
      let grant;
      try {
        grant = await this.oauth.exchangeCode(answer.code, this.cipher.open(attempt.codeVerifierSealed));
      } catch (e) {
        this.logger.warn(`exchanging the authorization code failed: ${(e as Error).message}`);
        return { outcome: { kind: 'failed' } };
      }
      if (attempt.purpose === 'org-reader') return this.orgReaders.storeGrant(manager, attempt, grant);
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url, refresh_token_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id, sfdc_org_id, sfdc_user_id) DO UPDATE SET
           refresh_token_sealed = EXCLUDED.refresh_token_sealed, instance_url = EXCLUDED.instance_url,
           sfdc_username = EXCLUDED.sfdc_username, updated_at = now()
         WHERE connection.user_id = EXCLUDED.user_id
         RETURNING id`,
        [attempt.tenantId, attempt.userId, attempt.timeZone, grant.orgId, grant.userId, grant.username, grant.instanceUrl, this.cipher.seal(grant.refreshToken)],
      );
      if (rows.length === 0) {
        this.logger.warn(`Salesforce user ${grant.userId} is already connected by another user of this tenant`);
        return { outcome: { kind: 'failed' } };
      }
      this.logger.log(`connected Salesforce user ${grant.userId} of org ${grant.orgId}`);
      return { outcome: { kind: 'connected', connectionId: rows[0].id } };
    });
    await settled.afterCommit?.();
    return settled.outcome;
  }

  /**
   * Disconnect: revoke the token at Salesforce, then delete the connection (its token with it).
   * A connection with sync on announces the disable first, through the outbox, in the same transaction.
   */
  async disconnect(connection: ConnectionEntity): Promise<void> {
    if (connection.refreshTokenSealed) await revokeGrant(this.oauth, this.cipher.open(connection.refreshTokenSealed), this.logger);
    await this.dataSource.transaction(async (manager) => {
      // With sync on, the disable is announced first (its history row goes with the connection).
      if (connection.taskSyncEnabled) {
        await enqueueOutbox(manager, [buildSettingChangedEntry(connection, 'disable', randomUUID(), await stampSettingChange(manager))]);
      }
      await manager.getRepository(ConnectionEntity).delete({ id: connection.id });
    });
  }
}
