import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { SalesforceSessionService } from '../internal/salesforce-session.service';
import { PreflightSchedule, type ChecksFactory } from '../preflight-schedule';
import type { OrgReader } from './org-reader';
import { OrgReaderRepository } from './org-reader.repository';
import { runReaderPreflight, type PreflightOutcome, type ReaderChecks } from './reader-preflight';

/** Builds the checks for one reader's session. */
export type ReaderChecksFactory = ChecksFactory<ReaderChecks>;

/** Injection token for the factory, so the wiring chooses the Salesforce probe. */
export const READER_CHECKS = Symbol('READER_CHECKS');

/**
 * The org readers' preflight: when a reader is connected, on an admin's "Check again", and in a
 * background loop for every connected reader whose last preflight is older than
 * ORG_READER_PREFLIGHT_INTERVAL_SECONDS. Replicas may check the same reader in the same minute;
 * that costs three API calls and stores the same answer.
 */
@Injectable()
export class OrgReaderPreflightService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('org-reader-preflight');
  private readonly schedule: PreflightSchedule<OrgReader>;

  constructor(
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService,
    @Inject(READER_CHECKS) private readonly checksFor: ReaderChecksFactory,
    @Inject(APP_CONFIG) config: Pick<ConnectorSettingsConfig, 'ORG_READER_PREFLIGHT_INTERVAL_SECONDS'>,
  ) {
    this.schedule = new PreflightSchedule(
      'org reader preflight',
      this.logger,
      config.ORG_READER_PREFLIGHT_INTERVAL_SECONDS * 1000,
      {
        listDue: (checkedBefore, limit) => this.readers.listDueForPreflight(checkedBefore, limit),
        keyOf: (reader) => reader.orgId,
        check: async (reader) => void (await this.check(reader)),
      },
    );
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass over the readers that are due; true when there may be more. */
  round(now = Date.now()): Promise<boolean> {
    return this.schedule.round(now);
  }

  /**
   * Checks the org's reader now (on connect, and on "Check again"): the reader with the preflight
   * this check stored (its last one when this check was inconclusive), or null without a reader.
   */
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
    let outcome: PreflightOutcome;
    try {
      const session = await this.sessions.obtainForOrgReader(reader.orgId, undefined, caller);
      const checks = this.checksFor(session, (rejected) =>
        this.sessions.obtainForOrgReader(reader.orgId, rejected, caller),
      );
      outcome = await runReaderPreflight(checks, reader.sfdcUsername);
    } catch (e) {
      // No session (grant refused: the reader is now marked revoked; or Salesforce's token endpoint did not answer).
      outcome = { kind: 'inconclusive', reason: `no session for the reader: ${(e as Error).message}` };
    }
    if (outcome.kind === 'inconclusive') {
      this.schedule.inconclusive(reader.orgId);
      this.logger.warn(
        `org ${reader.orgId}: the reader's preflight is inconclusive (${outcome.reason}); trying again later`,
      );
      return outcome;
    }
    this.schedule.conclusive(reader.orgId);
    await this.readers.recordPreflight(reader.orgId, grant, outcome.preflight);
    const missing = outcome.preflight.items.filter((i) => i.state !== 'ok').map((i) => i.key);
    this.logger.log(
      `org ${reader.orgId}: the reader's preflight ${outcome.preflight.passed ? 'passed' : `is missing ${missing.join(', ')}`}`,
    );
    return outcome;
  }
}
