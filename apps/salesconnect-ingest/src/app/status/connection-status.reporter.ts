import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { buildStatusMessage, JsonLogger, KafkaPublisher, type OutgoingMessage } from '@task-sync/util-nest';
import { EnabledConnectionsQuery } from '../changes/enabled-connections.query';
import { describeError, type IngestErrorCode } from '../ingest-error';

export const REPORTED_BY = 'salesconnect-ingest';

/**
 * Reports only a change of health (an error once per code, then its recovery): connector-settings
 * shows the newest report, so a report on every change would hide sfdc-ingest's. Kept in
 * PostgreSQL, so a recovery is reported after a restart too.
 */
@Injectable()
export class ConnectionStatusReporter {
  private readonly log: Logger;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EnabledConnectionsQuery) private readonly connections: EnabledConnectionsQuery,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
    @Inject(JsonLogger) logger: JsonLogger,
  ) {
    this.log = logger.child('connection-status');
  }

  /** The feed is app-wide, so its errors are every enabled connection's; each is reported once per code. */
  async reportError(code: IngestErrorCode, message: string): Promise<void> {
    try {
      const enabled = await this.connections.all();
      const rows: { connection_id: string; code: string }[] = await this.dataSource.query(
        `SELECT connection_id, code FROM reported_connection_error`,
      );
      const already = new Map(rows.map((r) => [r.connection_id, r.code]));
      const due = enabled.filter((id) => already.get(id) !== code);
      if (due.length === 0) return;
      await this.publisher.publish(
        due.map((connectionId) =>
          buildStatusMessage(connectionId, REPORTED_BY, {
            state: 'error',
            error: { code, message: message.slice(0, 1000) },
          }),
        ),
      );
      await this.dataSource.query(
        `INSERT INTO reported_connection_error (connection_id, code, reported_at) SELECT unnest($1::text[]), $2, now()
         ON CONFLICT (connection_id) DO UPDATE SET code = EXCLUDED.code, reported_at = EXCLUDED.reported_at`,
        [due, code],
      );
      this.log.info({ code, connections: due.length }, 'reported the error to connector-settings');
    } catch (e) {
      // Kafka or PostgreSQL is down too: nothing recorded, so the next failing round reports again.
      this.log.warn({ code, err: describeError(e) }, 'could not report the error; will try again');
    }
  }

  /** After a round that reached the end of the feed: the connections reported in error have recovered. */
  async reportRecovered(): Promise<void> {
    try {
      const rows: { connection_id: string }[] = await this.dataSource.query(
        `SELECT connection_id FROM reported_connection_error`,
      );
      if (rows.length === 0) return;
      const now = new Date().toISOString();
      const reports: OutgoingMessage[] = [];
      for (const { connection_id: connectionId } of rows) {
        // A connection disabled meanwhile is idle, not syncing.
        const enabled = await this.connections.isEnabled(connectionId);
        reports.push(
          buildStatusMessage(
            connectionId,
            REPORTED_BY,
            enabled ? { state: 'syncing', lastSyncedAt: now } : { state: 'idle' },
          ),
        );
      }
      await this.publisher.publish(reports);
      await this.dataSource.query(`DELETE FROM reported_connection_error WHERE connection_id = ANY($1::text[])`, [
        rows.map((r) => r.connection_id),
      ]);
      this.log.info({ connections: rows.length }, 'reported the recovery to connector-settings');
    } catch (e) {
      this.log.warn({ err: describeError(e) }, 'could not report the recovery; will try again');
    }
  }
}
