import { ConflictException, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { ApiAllocationReachedError, OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import {
  SalesforceSessionHandle,
  classifyProbeError,
  readImportPreview,
  type ProbeAnswer,
} from '@task-sync/sfdc-client';
import { APP_CONFIG } from '@task-sync/util-nest';
import { ConnectionPreflightRepository } from '../connection-preflight/connection-preflight.repository';
import { toSetupView } from '../connection-preflight/connection-preflight.view';
import type { ConnectionEntity } from '../connections/connection.entity';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { SalesforceSessionService } from '../internal/salesforce-session.service';
import type { ImportPreviewView } from '@task-sync/contracts/http';
import { toImportPreviewView } from './import-preview.view';

const CALLER = 'connector-settings (import preview)';

/** R2: read with the import's own selection (libs/sfdc/client), so the preview is what the enable would import. */
@Injectable()
export class ImportPreviewService {
  private readonly logger = new Logger('import-preview');

  constructor(
    @Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService,
    @Inject(ConnectionPreflightRepository) private readonly preflights: ConnectionPreflightRepository,
    @Inject(OrgApiCallLedger) private readonly calls: OrgApiCallLedger,
    @Inject(APP_CONFIG) private readonly config: Pick<ConnectorSettingsConfig, 'SALESFORCE_API_VERSION'>,
  ) {}

  async preview(connection: ConnectionEntity): Promise<ImportPreviewView> {
    // The session route's own refusals (setup incomplete, grant gone) are answered as they are.
    let refusal: HttpException | undefined;
    const handle = new SalesforceSessionHandle(
      connection.id,
      {
        obtain: (id, rejected) =>
          this.sessions.obtain(id, rejected, CALLER).catch((e: unknown) => {
            if (e instanceof HttpException) refusal = e;
            throw e;
          }),
      },
      { apiVersion: this.config.SALESFORCE_API_VERSION, calls: this.calls },
    );
    try {
      return toImportPreviewView(await readImportPreview(handle, Date.now()));
    } catch (e) {
      throw await this.toHttpError(connection, refusal ?? e);
    } finally {
      await this.calls.flush();
    }
  }

  /** One vocabulary for what stopped the preview: ours (the session, the allocation) or Salesforce's (classifyProbeError). */
  private async toHttpError(connection: ConnectionEntity, e: unknown): Promise<HttpException> {
    if (e instanceof HttpException) return e;
    if (e instanceof ApiAllocationReachedError)
      return new ConflictException({ error: 'API_ALLOCATION_REACHED', message: e.message });
    // A thrown error classifies as refused or unavailable, never as an answer.
    const answer = classifyProbeError(e) as Exclude<ProbeAnswer<never>, { kind: 'answered' }>;
    if (answer.kind === 'refused') {
      // What the rep can act on: the connection's setup as its last preflight found it.
      const setup = toSetupView(await this.preflights.find(connection.id));
      this.logger.warn(
        `connection ${connection.id}: Salesforce refused the import preview (${answer.code}: ${answer.message})`,
      );
      return new ConflictException({
        error: 'SALESFORCE_REFUSED',
        code: answer.code,
        message: `Salesforce refused to list your tasks (${answer.code}: ${answer.message})${setup ? `; your setup: ${setup.state}: ${setup.advice}` : ''}`,
        setup,
      });
    }
    return new HttpException(
      {
        error: 'SALESFORCE_UNAVAILABLE',
        code: answer.code,
        message: `Salesforce did not answer the preview (${answer.message}); try again in a minute`,
      },
      502,
    );
  }
}
