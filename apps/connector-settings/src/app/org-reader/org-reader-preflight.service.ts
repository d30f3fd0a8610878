import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SalesforceOrgProbe } from '@task-sync/sfdc-client';
import { APP_CONFIG, BackgroundLoop } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { SalesforceSessionService } from '../internal/salesforce-session.service';
import type { OrgReader } from './org-reader';
import { OrgReaderRepository } from './org-reader.repository';
import { runReaderPreflight, type PreflightOutcome, type ReaderChecks } from './reader-preflight';

/** Readers checked per round; a round with a full batch runs again at once. */
const BATCH = 10;
/** How long a reader whose check came back inconclusive waits before the loop tries it again. */
const RETRY_INCONCLUSIVE_MS = 5 * 60_000;
/** The loop wakes this often, so a shutdown never waits long for it; it looks for due readers less often. */
const WAKE_MS = 1000;

/** Builds the checks for one reader's session (SalesforceOrgProbe; a fake in unit specs). */
export type ReaderChecksFactory = (session: { instanceUrl: string; accessToken: string }, renew: (rejected: string | undefined) => Promise<{ instanceUrl: string; accessToken: string }>) => ReaderChecks;

/** Injection token for the factory, so the wiring chooses the Salesforce probe. */
export const READER_CHECKS = Symbol('READER_CHECKS');

export const salesforceReaderChecks =
  (apiVersion: string): ReaderChecksFactory =>
  (session, renew) =>
    new SalesforceOrgProbe(session, { apiVersion, renewSession: renew });

/**
 * The org readers' preflight: when a reader is connected, on an admin's "Check again", and in a
 * background loop for every connected reader whose last preflight is older than
 * ORG_READER_PREFLIGHT_INTERVAL_SECONDS. Replicas may check the same reader in the same minute;
 * that costs three API calls and stores the same answer.
 */
@Injectable()
export class OrgReaderPreflightService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('org-reader-preflight');
  private readonly loop: BackgroundLoop;
  private readonly intervalMs: number;
  /** How often the loop looks for due readers: once a minute, sooner with a short interval. */
  private readonly scanEveryMs: number;
  private lastScanAt = 0;
  /** Readers whose last check was inconclusive, until when they wait (this replica only). */
  private readonly waiting = new Map<string, number>();

  constructor(
    @Inject(OrgReaderRepository) private readonly readers: OrgReaderRepository,
    @Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService,
    @Inject(READER_CHECKS) private readonly checksFor: ReaderChecksFactory,
    @Inject(APP_CONFIG) config: Pick<ConnectorSettingsConfig, 'ORG_READER_PREFLIGHT_INTERVAL_SECONDS'>,
  ) {
    this.intervalMs = config.ORG_READER_PREFLIGHT_INTERVAL_SECONDS * 1000;
    this.scanEveryMs = Math.min(this.intervalMs, 60_000);
    this.loop = new BackgroundLoop('org reader preflight', this.logger, () => this.tick(), WAKE_MS);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(now = Date.now()): Promise<boolean> {
    if (now - this.lastScanAt < this.scanEveryMs) return false;
    this.lastScanAt = now;
    const more = await this.round(now);
    // More due than a batch: look again at once.
    if (more) this.lastScanAt = 0;
    return more;
  }

  /** One pass over the readers that are due; true when there may be more. */
  async round(now = Date.now()): Promise<boolean> {
    const due = (await this.readers.listDueForPreflight(new Date(now - this.intervalMs), BATCH + this.waiting.size)).filter((r) => (this.waiting.get(r.orgId) ?? 0) <= now);
    for (const reader of due.slice(0, BATCH)) await this.check(reader);
    return due.length > BATCH;
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
      const checks = this.checksFor(session, (rejected) => this.sessions.obtainForOrgReader(reader.orgId, rejected, caller));
      outcome = await runReaderPreflight(checks, reader.sfdcUsername);
    } catch (e) {
      // No session (grant refused: the reader is now marked revoked; or Salesforce's token endpoint did not answer).
      outcome = { kind: 'inconclusive', reason: `no session for the reader: ${(e as Error).message}` };
    }
    if (outcome.kind === 'inconclusive') {
      this.waiting.set(reader.orgId, Date.now() + RETRY_INCONCLUSIVE_MS);
      this.logger.warn(`org ${reader.orgId}: the reader's preflight is inconclusive (${outcome.reason}); trying again later`);
      return outcome;
    }
    this.waiting.delete(reader.orgId);
    await this.readers.recordPreflight(reader.orgId, grant, outcome.preflight);
    const missing = outcome.preflight.items.filter((i) => i.state !== 'ok').map((i) => i.key);
    this.logger.log(`org ${reader.orgId}: the reader's preflight ${outcome.preflight.passed ? 'passed' : `is missing ${missing.join(', ')}`}`);
    return outcome;
  }
}
