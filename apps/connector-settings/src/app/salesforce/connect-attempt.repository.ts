import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { toSalesforceLogin } from '@task-sync/sfdc-oauth';
import type { ConnectAttempt } from './connect-attempt';

interface AttemptRow {
  nonce: string;
  purpose: ConnectAttempt['purpose'];
  start_over: boolean;
  login_environment: string;
  login_my_domain_host: string | null;
  tenant_id: string;
  user_id: string;
  time_zone: string;
  browser_hash: string;
  code_verifier_sealed: string;
  expires_at: Date;
  used_at: Date | null;
}

const toAttempt = (row: AttemptRow): ConnectAttempt => ({
  nonce: row.nonce,
  purpose: row.purpose,
  startOver: row.start_over,
  login: toSalesforceLogin(row.login_environment, row.login_my_domain_host),
  tenantId: row.tenant_id,
  userId: row.user_id,
  timeZone: row.time_zone,
  browserHash: row.browser_hash,
  codeVerifierSealed: row.code_verifier_sealed,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

@Injectable()
export class ConnectAttemptRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Expired attempts are kept a day, to say "already used". */
  async open(attempt: Omit<ConnectAttempt, 'usedAt'>): Promise<void> {
    await this.dataSource.query(`DELETE FROM connect_attempt WHERE expires_at < now() - interval '1 day'`);
    await this.dataSource.query(
      `INSERT INTO connect_attempt (nonce, purpose, start_over, login_environment, login_my_domain_host, tenant_id, user_id, time_zone, browser_hash, code_verifier_sealed, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        attempt.nonce,
        attempt.purpose,
        attempt.startOver,
        attempt.login.environment,
        attempt.login.environment === 'my-domain' ? attempt.login.myDomainHost : null,
        attempt.tenantId,
        attempt.userId,
        attempt.timeZone,
        attempt.browserHash,
        attempt.codeVerifierSealed,
        attempt.expiresAt,
      ],
    );
  }

  /** The attempt, locked until the transaction ends: two callbacks with one state are judged one after the other. */
  async lockForCallback(manager: EntityManager, nonce: string): Promise<ConnectAttempt | null> {
    const rows: AttemptRow[] = await manager.query(
      `SELECT nonce, purpose, start_over, login_environment, login_my_domain_host, tenant_id, user_id, time_zone, browser_hash, code_verifier_sealed, expires_at, used_at
       FROM connect_attempt WHERE nonce = $1 FOR UPDATE`,
      [nonce],
    );
    return rows[0] ? toAttempt(rows[0]) : null;
  }

  async markUsed(manager: EntityManager, nonce: string): Promise<void> {
    await manager.query(`UPDATE connect_attempt SET used_at = now() WHERE nonce = $1`, [nonce]);
  }
}
