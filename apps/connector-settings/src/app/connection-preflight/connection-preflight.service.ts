import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decideConnectionReadiness, isBlockingReadiness, type ReadinessFacts } from '@task-sync/sync-rules';
import { APP_CONFIG } from '@task-sync/util-nest';
import type { ConnectorSettingsConfig } from '../connector-settings.config';
import { ConnectionEntity } from '../connections/connection.entity';
import { SalesforceSessionService } from '../internal/salesforce-session.service';
import { PreflightRunner } from '../preflight-runner';
import type { ChecksFactory } from '../preflight-schedule';
import { markSetupComplete } from '../status/apply-status';
import { ConnectionPreflightRepository, type ConnectionPreflight } from './connection-preflight.repository';

/** The questions a connection's preflight asks as its rep (SalesforceOrgProbe; a fake in unit specs). */
export interface ConnectionChecks {
  readConnectionReadiness(): Promise<ReadinessFacts>;
}

/** Injection token for the factory, so the wiring chooses the Salesforce probe. */
export const CONNECTION_CHECKS = Symbol('CONNECTION_CHECKS');

/**
 * As the connection's own rep. A state other than `ready` pauses the connection: its session is
 * refused to sfdc-ingest and the reconciler, which wait and ask again.
 */
@Injectable()
export class ConnectionPreflightService extends PreflightRunner<string> {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ConnectionPreflightRepository) private readonly preflights: ConnectionPreflightRepository,
    @Inject(SalesforceSessionService) private readonly sessions: SalesforceSessionService,
    @Inject(CONNECTION_CHECKS) private readonly checksFor: ChecksFactory<ConnectionChecks>,
    @Inject(APP_CONFIG) config: Pick<ConnectorSettingsConfig, 'CONNECTION_PREFLIGHT_INTERVAL_SECONDS'>,
  ) {
    super('connection preflight', config.CONNECTION_PREFLIGHT_INTERVAL_SECONDS);
  }

  protected listDue(checkedBefore: Date, limit: number): Promise<string[]> {
    return this.preflights.listDue(checkedBefore, limit);
  }

  protected keyOf(connectionId: string): string {
    return connectionId;
  }

  protected async checkDue(connectionId: string): Promise<void> {
    await this.checkNow(connectionId);
  }

  /** Answers the last conclusive preflight when Salesforce did not answer this time (null: never concluded). */
  async checkNow(connectionId: string): Promise<ConnectionPreflight | null> {
    const connection = await this.dataSource.getRepository(ConnectionEntity).findOneBy({ id: connectionId });
    if (!connection?.refreshTokenSealed) return this.preflights.find(connectionId);
    const caller = 'connector-settings (connection preflight)';
    const outcome = await this.runCheck({
      key: connectionId,
      subject: `connection ${connectionId}`,
      preflight: 'the preflight',
      holder: 'the connection',
      // The preflight's own session is never refused for the state it is checking.
      session: (rejected) => this.sessions.obtain(connectionId, rejected, caller, { forPreflight: true }),
      checksFor: this.checksFor,
      ask: async (checks) => decideConnectionReadiness(await checks.readConnectionReadiness()),
    });
    if (outcome.kind === 'inconclusive') return this.preflights.find(connectionId);
    const checkedAt = new Date();
    const previous = await this.preflights.record(connectionId, outcome.state, outcome.detail ?? null, checkedAt);
    if (isBlockingReadiness(outcome.state)) {
      if (previous !== outcome.state)
        this.logger.warn(
          `connection ${connectionId}: preflight ${outcome.state}${outcome.detail ? ` (${outcome.detail})` : ''}; its reads and writes pause`,
        );
    } else if (isBlockingReadiness(previous)) {
      // The services' paused reads and writes resume at their next recheck and report again.
      await markSetupComplete(this.dataSource.manager, connectionId, connection.taskSyncEnabled);
      this.logger.log(`connection ${connectionId}: preflight passed after ${previous}; its reads and writes resume`);
    }
    return { connectionId, state: outcome.state, detail: outcome.detail ?? null, checkedAt };
  }
}
