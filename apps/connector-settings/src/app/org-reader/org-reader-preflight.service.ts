import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { SalesforceSessionService } from '../internal/salesforce-session.service';
import { PreflightRunner } from '../preflight-runner';
import type { ChecksFactory } from '../preflight-schedule';
import type { OrgReader } from './org-reader';
import { OrgReaderRepository } from './org-reader.repository';
import { runReaderPreflight, type PreflightOutcome, type ReaderChecks } from './reader-preflight';

export type ReaderChecksFactory = ChecksFactory<ReaderChecks>;

/** Injection token for the factory, so the wiring chooses the Salesforce probe. */
export const READER_CHECKS = Symbol('READER_CHECKS');

/** Replicas may check the same reader in the same minute: that costs three API calls and stores the same answer. */
@Injectable()
export class OrgReaderPreflightService extends PreflightRunner<OrgReader> {
  constructor(
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService,
    @Inject(READER_CHECKS) private readonly checksFor: ReaderChecksFactory,
    @Inject(APP_CONFIG) config: Pick<ConnectorSettingsConfig, 'ORG_READER_PREFLIGHT_INTERVAL_SECONDS'>,
  ) {
    super('org reader preflight', config.ORG_READER_PREFLIGHT_INTERVAL_SECONDS);
  }

  protected listDue(checkedBefore: Date, limit: number): Promise<OrgReader[]> {
    return this.readers.listDueForPreflight(checkedBefore, limit);
  }

  protected keyOf(reader: OrgReader): string {
    return reader.orgId;
  }

  protected async checkDue(reader: OrgReader): Promise<void> {
    await this.check(reader);
  }

  /** The reader keeps its last preflight when this check was inconclusive; null without a reader. */
  async checkNow(orgId: string): Promise<OrgReader | null> {
    const reader = await this.readers.findByOrg(orgId);
    if (!reader?.refreshTokenSealed) return reader;
    const outcome = await this.check(reader);
    if (outcome?.kind !== 'checked') return (await this.readers.findByOrg(orgId)) ?? reader;
    return { ...reader, preflight: outcome.preflight, preflightAt: new Date(outcome.preflight.checkedAt) };
  }

  private async check(reader: OrgReader): Promise<PreflightOutcome | null> {
    const grant = reader.refreshTokenSealed;
    if (!grant) return null;
    const caller = 'connector-settings (preflight)';
    const outcome = await this.runCheck({
      key: reader.orgId,
      subject: `org ${reader.orgId}`,
      preflight: "the reader's preflight",
      holder: 'the reader',
      session: (rejected) => this.sessions.obtainForOrgReader(reader.orgId, rejected, caller),
      checksFor: this.checksFor,
      ask: (checks) => runReaderPreflight(checks, reader.sfdcUsername),
    });
    if (outcome.kind === 'inconclusive') return outcome;
    await this.readers.recordPreflight(reader.orgId, grant, outcome.preflight);
    const missing = outcome.preflight.items.filter((i) => i.state !== 'ok').map((i) => i.key);
    this.logger.log(
      `org ${reader.orgId}: the reader's preflight ${outcome.preflight.passed ? 'passed' : `is missing ${missing.join(', ')}`}`,
    );
    return outcome;
  }
}
