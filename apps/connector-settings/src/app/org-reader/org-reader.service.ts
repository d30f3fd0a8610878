import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SalesforceGrant } from '@task-sync/sfdc-oauth';
import type { Principal } from '../auth/principal';
import type { ConnectAttempt } from '../salesforce/connect-attempt';
import type { CallbackOutcome } from '../salesforce/salesforce-connect.service';
import { SalesforceGrants } from '../salesforce/salesforce-grants';
import { READER_LOGIN } from './org-reader';
import { OrgReaderPreflightService } from './org-reader-preflight.service';
import { OrgReaderRepository } from './org-reader.repository';
import { toOrgReaderView, type OrgReaderView } from './org-reader.view';

/** A callback's result, and what runs once its transaction has committed (revokes, the first preflight). */
export interface SettledCallback {
  outcome: CallbackOutcome;
  afterCommit?: () => Promise<void>;
}

@Injectable()
export class OrgReaderService {
  private readonly logger = new Logger('org-reader');

  constructor(
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(SalesforceGrants) private readonly grants: SalesforceGrants,
    @Inject(OrgReaderPreflightService) private readonly preflight: OrgReaderPreflightService,
  ) {}

  /**
   * Another tenant's reader of the org: 409, and the new grant is revoked. The first preflight runs
   * after the commit, so the admin lands on the page with its result.
   */
  async storeGrant(manager: EntityManager, attempt: ConnectAttempt, grant: SalesforceGrant): Promise<SettledCallback> {
    const result = await this.readers.storeGrant(manager, {
      orgId: grant.orgId,
      tenantId: attempt.tenantId,
      connectedByUserId: attempt.userId,
      sfdcUserId: grant.userId,
      sfdcUsername: grant.username,
      instanceUrl: grant.instanceUrl,
      refreshTokenSealed: this.grants.seal(grant.refreshToken),
    });
    if (!result.stored) {
      this.logger.warn(`Salesforce org ${grant.orgId}'s reader is held by another tenant; the new grant is revoked`);
      return {
        outcome: { kind: 'reader-held-elsewhere' },
        afterCommit: () => this.grants.revoke(READER_LOGIN, grant.refreshToken, this.logger),
      };
    }
    this.logger.log(`Salesforce user ${grant.userId} is now the reader of org ${grant.orgId}`);
    const replaced = result.replacedRefreshTokenSealed;
    return {
      outcome: { kind: 'reader-connected', orgId: grant.orgId },
      afterCommit: async () => {
        if (replaced) await this.grants.revokeSealed(READER_LOGIN, replaced, this.logger);
        await this.preflight.checkNow(grant.orgId);
      },
    };
  }

  async list(principal: Principal): Promise<OrgReaderView[]> {
    return (await this.readers.listForTenant(principal.tenantId)).map(toOrgReaderView);
  }

  async checkAgain(principal: Principal, orgId: string): Promise<OrgReaderView> {
    await this.findOwned(principal, orgId);
    const checked = await this.preflight.checkNow(orgId);
    if (!checked) throw notFound(orgId);
    return toOrgReaderView(checked);
  }

  async disconnect(principal: Principal, orgId: string): Promise<void> {
    const removed = await this.readers.remove(principal.tenantId, orgId);
    if (!removed) throw notFound(orgId);
    if (removed.refreshTokenSealed)
      await this.grants.revokeSealed(READER_LOGIN, removed.refreshTokenSealed, this.logger);
    this.logger.log(`the reader of org ${removed.orgId} was disconnected`);
  }

  /** Another tenant's reader answers 404 like no reader at all: nothing leaks. */
  private async findOwned(principal: Principal, orgId: string) {
    const reader = await this.readers.findByOrg(orgId);
    if (!reader || reader.tenantId !== principal.tenantId) throw notFound(orgId);
    return reader;
  }
}

const notFound = (orgId: string) =>
  new NotFoundException({ error: 'ORG_READER_NOT_FOUND', message: `no reader for Salesforce org ${orgId}` });
