import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectorSettingsSessionClient } from '@task-sync/sfdc-client';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { SfdcIngestConfig } from '../sfdc-ingest.config';
import { decideOrgReads, type OrgReadsVerdict } from './read-plan';

/** When connector-settings does not answer, the last verdict stands: nothing is started or stopped on that. */
@Injectable()
export class OrgReaderDirectory {
  private readonly logger = new Logger('sfdc-org-reads');
  private readonly verdicts = new Map<string, { verdict: OrgReadsVerdict; at: number }>();
  private readonly asking = new Map<string, Promise<OrgReadsVerdict | null>>();

  constructor(
    @Inject(ConnectorSettingsSessionClient) private readonly sessions: ConnectorSettingsSessionClient,
    @Inject(APP_CONFIG) private readonly config: Pick<SfdcIngestConfig, 'ORG_READER_CHECK_MS'>,
  ) {}

  async verdict(orgId: string): Promise<OrgReadsVerdict | null> {
    const cached = this.verdicts.get(orgId);
    if (cached && Date.now() - cached.at < this.config.ORG_READER_CHECK_MS) return cached.verdict;
    // The supervisor and the org poll ask at the same moment: one question to connector-settings.
    let asking = this.asking.get(orgId);
    if (!asking) {
      asking = this.ask(orgId, cached?.verdict ?? null).finally(() => this.asking.delete(orgId));
      this.asking.set(orgId, asking);
    }
    return asking;
  }

  private async ask(orgId: string, before: OrgReadsVerdict | null): Promise<OrgReadsVerdict | null> {
    let verdict: OrgReadsVerdict;
    try {
      verdict = decideOrgReads(await this.sessions.orgReader(orgId));
    } catch (e) {
      this.logger.warn(
        `org ${orgId}: connector-settings did not say how the org is read (${(e as Error).message}); asking again later`,
      );
      return before;
    }
    if (verdict.reads !== before?.reads)
      this.logger.log(`org ${orgId}: ${verdict.reads === 'org' ? verdict.reason : `read per rep: ${verdict.reason}`}`);
    this.verdicts.set(orgId, { verdict, at: Date.now() });
    return verdict;
  }

  /** Salesforce refused the reader: asked again at the next look, not after the cache's time. */
  forget(orgId: string): void {
    this.verdicts.delete(orgId);
  }
}
