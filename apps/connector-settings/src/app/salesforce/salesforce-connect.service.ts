import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { enqueueOutbox } from '@task-sync/data-access-messaging';
import { PRODUCTION_LOGIN, createPkcePair, type SalesforceGrant, type SalesforceLogin } from '@task-sync/sfdc-oauth';
import type { Principal } from '../auth/principal';
import { ConnectionEntity, loginOf } from '../connections/connection.entity';
import { buildSettingChangedEntry } from '../connections/setting-changed.outbox';
import { stampSettingChange } from '../connections/settings-clock';
import { OrgReaderService, type SettledCallback } from '../org-reader/org-reader.service';
import { markGrantRenewed } from '../status/apply-status';
import { hashBrowserKey, judgeConnectAttempt, type ConnectAttempt, type ConnectPurpose, type ConnectRefusal } from './connect-attempt';
import { decideConnect } from './connect-decision';
import { ConnectAttemptRepository } from './connect-attempt.repository';
import { OAuthStatePayload, OAuthStateSigner } from './oauth-state';
import { SalesforceGrants } from './salesforce-grants';

export type CallbackOutcome =
  | { kind: 'connected'; connectionId: string; how: 'created' | 'reconnected' | 'started-over' }
  | { kind: 'other-account'; connectedAs: string; offeredAs: string }
  | { kind: 'reader-connected'; orgId: string }
  | { kind: 'reader-held-elsewhere' }
  | { kind: 'denied'; error: string }
  | { kind: 'refused'; reason: ConnectRefusal }
  | { kind: 'failed' };

@Injectable()
export class SalesforceConnectService {
  private readonly logger = new Logger('salesforce-connect');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SalesforceGrants) private readonly grants: SalesforceGrants,
    @Inject(OAuthStateSigner) private readonly states: OAuthStateSigner,
    @Inject(ConnectAttemptRepository) private readonly attempts: ConnectAttemptRepository,
    @Inject(OrgReaderService) private readonly orgReaders: OrgReaderService,
  ) {}

  /** `startOver`: the user confirmed replacing their connection should they sign in as another Salesforce user. */
  async startConnect(
    who: Principal,
    browserKey: string,
    ttlSeconds: number,
    purpose: ConnectPurpose = 'connection',
    startOver = false,
    login: SalesforceLogin = PRODUCTION_LOGIN,
  ): Promise<string> {
    const nonce = randomBytes(32).toString('base64url');
    const pkce = createPkcePair();
    await this.attempts.open({
      nonce,
      purpose,
      startOver,
      login,
      tenantId: who.tenantId,
      userId: who.userId,
      timeZone: who.timeZone,
      browserHash: hashBrowserKey(browserKey),
      codeVerifierSealed: this.grants.seal(pkce.verifier),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
    return this.grants.buildAuthorizeUrl(login, this.states.sign({ tenantId: who.tenantId, userId: who.userId, nonce }), pkce.challenge);
  }

  /**
   * The attempt is marked used in the transaction that stores the connection, so a state completes at
   * most one connection; a refused callback writes nothing.
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
        grant = await this.grants.exchangeCode(attempt.login, answer.code, attempt.codeVerifierSealed);
      } catch (e) {
        this.logger.warn(`exchanging the authorization code failed: ${(e as Error).message}`);
        return { outcome: { kind: 'failed' } };
      }
      if (attempt.purpose === 'org-reader') return this.orgReaders.storeGrant(manager, attempt, grant);
      return this.storeConnectionGrant(manager, attempt, grant);
    });
    await settled.afterCommit?.();
    return settled.outcome;
  }

  async disconnect(connection: ConnectionEntity): Promise<void> {
    if (connection.refreshTokenSealed) await this.grants.revokeSealed(loginOf(connection), connection.refreshTokenSealed, this.logger);
    await this.dataSource.transaction((manager) => this.dropConnection(manager, connection));
  }

  /** The connection goes, its setting's history with it; with sync on, the disable is announced first (R7). */
  private async dropConnection(manager: EntityManager, connection: ConnectionEntity): Promise<void> {
    if (connection.taskSyncEnabled) {
      await enqueueOutbox(manager, [buildSettingChangedEntry(connection, 'disable', randomUUID(), await stampSettingChange(manager))]);
    }
    await manager.getRepository(ConnectionEntity).delete({ id: connection.id });
  }

  /**
   * A reconnect drops the cached access token so the services' next session comes from the new grant.
   * A token we let go of is revoked once the transaction has committed.
   */
  private async storeConnectionGrant(manager: EntityManager, attempt: ConnectAttempt, grant: SalesforceGrant): Promise<SettledCallback> {
    const revokeAfterCommit = (refreshToken: string | null, login = attempt.login) => async () => {
      if (refreshToken) await this.grants.revoke(login, refreshToken, this.logger);
    };
    const existing = await manager
      .getRepository(ConnectionEntity)
      .findOne({ where: { tenantId: attempt.tenantId, userId: attempt.userId }, lock: { mode: 'pessimistic_write' } });
    const decision = decideConnect(existing && { orgId: existing.sfdcOrgId, userId: existing.sfdcUserId }, grant, attempt.startOver);
    const oldToken = existing?.refreshTokenSealed ? this.grants.open(existing.refreshTokenSealed) : null;
    // A token we let go of is revoked where it was granted.
    const oldLogin = existing ? loginOf(existing) : attempt.login;
    const myDomainHost = attempt.login.environment === 'my-domain' ? attempt.login.myDomainHost : null;
    if (existing && decision === 'refuse-other-account') {
      this.logger.warn(`connection ${existing.id}: refused Salesforce user ${grant.userId} of org ${grant.orgId} in place of ${existing.sfdcUserId} of ${existing.sfdcOrgId} without the start-over confirmation`);
      return { outcome: { kind: 'other-account', connectedAs: existing.sfdcUsername, offeredAs: grant.username }, afterCommit: revokeAfterCommit(grant.refreshToken) };
    }
    if (existing && decision === 'reconnect') {
      await manager.query(
        `UPDATE connection SET refresh_token_sealed = $2, access_token_sealed = NULL, instance_url = $3, sfdc_username = $4,
           login_environment = $5, login_my_domain_host = $6, updated_at = now() WHERE id = $1`,
        [existing.id, this.grants.seal(grant.refreshToken), grant.instanceUrl, grant.username, attempt.login.environment, myDomainHost],
      );
      await markGrantRenewed(manager, existing.id, existing.taskSyncEnabled);
      this.logger.log(`connection ${existing.id}: reconnected Salesforce user ${grant.userId} of org ${grant.orgId} in place`);
      return { outcome: { kind: 'connected', connectionId: existing.id, how: 'reconnected' }, afterCommit: revokeAfterCommit(oldToken === grant.refreshToken ? null : oldToken, oldLogin) };
    }
    const heldByAnother: unknown[] = await manager.query(`SELECT 1 FROM connection WHERE tenant_id = $1 AND sfdc_org_id = $2 AND sfdc_user_id = $3 AND user_id <> $4`, [
      attempt.tenantId,
      grant.orgId,
      grant.userId,
      attempt.userId,
    ]);
    if (heldByAnother.length > 0) {
      this.logger.warn(`Salesforce user ${grant.userId} is already connected by another user of this tenant`);
      return { outcome: { kind: 'failed' }, afterCommit: revokeAfterCommit(grant.refreshToken) };
    }
    if (existing && decision === 'start-over') {
      this.logger.log(`connection ${existing.id}: the user started over with Salesforce user ${grant.userId} of org ${grant.orgId}; disconnecting it`);
      await this.dropConnection(manager, existing);
    }
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO connection (tenant_id, user_id, time_zone, sfdc_org_id, sfdc_user_id, sfdc_username, instance_url, refresh_token_sealed, login_environment, login_my_domain_host)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id`,
      [
        attempt.tenantId,
        attempt.userId,
        attempt.timeZone,
        grant.orgId,
        grant.userId,
        grant.username,
        grant.instanceUrl,
        this.grants.seal(grant.refreshToken),
        attempt.login.environment,
        myDomainHost,
      ],
    );
    if (rows.length === 0) {
      // A callback racing this one (the user's other tab, another user with this Salesforce user) committed first: it stands.
      // A start-over must not keep its disconnect without the new connection: it rolls back.
      if (decision === 'start-over') throw new Error(`starting over raced another connect of user ${attempt.userId}; nothing changed`);
      this.logger.warn(`Salesforce user ${grant.userId}: another connect of this user or Salesforce user committed first`);
      return { outcome: { kind: 'failed' }, afterCommit: revokeAfterCommit(grant.refreshToken) };
    }
    const { id } = rows[0];
    this.logger.log(`connected Salesforce user ${grant.userId} of org ${grant.orgId}`);
    return {
      outcome: { kind: 'connected', connectionId: id, how: decision === 'start-over' ? 'started-over' : 'created' },
      afterCommit: revokeAfterCommit(decision === 'start-over' ? oldToken : null, oldLogin),
    };
  }
}
