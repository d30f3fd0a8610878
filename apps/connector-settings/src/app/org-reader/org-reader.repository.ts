import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { OrgReader } from './org-reader';
import type { ReaderPreflight } from './reader-preflight';

interface OrgReaderRow {
  sfdc_org_id: string;
  tenant_id: string;
  connected_by_user_id: string;
  sfdc_user_id: string;
  sfdc_username: string;
  instance_url: string;
  refresh_token_sealed: string | null;
  access_token_sealed: string | null;
  preflight: ReaderPreflight | null;
  preflight_at: Date | null;
  revoked_at: Date | null;
  stream: OrgReader['stream'];
  connected_at: Date;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `sfdc_org_id, tenant_id, connected_by_user_id, sfdc_user_id, sfdc_username, instance_url, refresh_token_sealed,
  access_token_sealed, preflight, preflight_at, revoked_at, stream, connected_at, created_at, updated_at`;

const toReader = (row: OrgReaderRow): OrgReader => ({
  orgId: row.sfdc_org_id,
  tenantId: row.tenant_id,
  connectedByUserId: row.connected_by_user_id,
  sfdcUserId: row.sfdc_user_id,
  sfdcUsername: row.sfdc_username,
  instanceUrl: row.instance_url,
  refreshTokenSealed: row.refresh_token_sealed,
  accessTokenSealed: row.access_token_sealed,
  preflight: row.preflight,
  preflightAt: row.preflight_at,
  revokedAt: row.revoked_at,
  stream: row.stream,
  connectedAt: row.connected_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export type ReaderGrant = Pick<
  OrgReader,
  'orgId' | 'tenantId' | 'connectedByUserId' | 'sfdcUserId' | 'sfdcUsername' | 'instanceUrl'
> & { refreshTokenSealed: string };

/** A stored grant (with the one it replaced, to revoke), or the org's reader belongs to another tenant. */
export type StoreGrantResult = { stored: true; replacedRefreshTokenSealed: string | null } | { stored: false };

/**
 * An org 15-character id names the same org as its 18-character form; rows hold the 18 (what the
 * OAuth identity answers), and a 15 finds its row by prefix.
 */
const BY_ORG = `(sfdc_org_id = $1 OR (length($1) = 15 AND left(sfdc_org_id, 15) = $1))`;

@Injectable()
export class OrgReaderRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** One reader per org: an org whose reader another tenant holds stores nothing. */
  async storeGrant(manager: EntityManager, grant: ReaderGrant): Promise<StoreGrantResult> {
    const held: { tenant_id: string; refresh_token_sealed: string | null }[] = await manager.query(
      `SELECT tenant_id, refresh_token_sealed FROM org_reader WHERE sfdc_org_id = $1 FOR UPDATE`,
      [grant.orgId],
    );
    if (held[0] && held[0].tenant_id !== grant.tenantId) return { stored: false };
    // The WHERE also settles two tenants' first grants racing for one org: the second updates nothing.
    const rows: unknown[] = await manager.query(
      `INSERT INTO org_reader AS r (sfdc_org_id, tenant_id, connected_by_user_id, sfdc_user_id, sfdc_username, instance_url, refresh_token_sealed)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (sfdc_org_id) DO UPDATE SET
         connected_by_user_id = EXCLUDED.connected_by_user_id, sfdc_user_id = EXCLUDED.sfdc_user_id,
         sfdc_username = EXCLUDED.sfdc_username, instance_url = EXCLUDED.instance_url,
         refresh_token_sealed = EXCLUDED.refresh_token_sealed, access_token_sealed = NULL,
         preflight = NULL, preflight_at = NULL, revoked_at = NULL, connected_at = now(), updated_at = now()
       WHERE r.tenant_id = EXCLUDED.tenant_id
       RETURNING sfdc_org_id`,
      [
        grant.orgId,
        grant.tenantId,
        grant.connectedByUserId,
        grant.sfdcUserId,
        grant.sfdcUsername,
        grant.instanceUrl,
        grant.refreshTokenSealed,
      ],
    );
    if (rows.length === 0) return { stored: false };
    return { stored: true, replacedRefreshTokenSealed: held[0]?.refresh_token_sealed ?? null };
  }

  /** A new access token (sealed) from a refresh; Salesforce may move the org to another instance. */
  async storeAccessToken(orgId: string, accessTokenSealed: string, instanceUrl: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE org_reader SET access_token_sealed = $2, instance_url = $3, updated_at = now() WHERE sfdc_org_id = $1`,
      [orgId, accessTokenSealed, instanceUrl],
    );
  }

  /** The preflight just run, for the grant it ran with (a grant replaced meanwhile is not given the old one's result). */
  async recordPreflight(orgId: string, refreshTokenSealed: string, preflight: ReaderPreflight): Promise<boolean> {
    // The driver answers a bare UPDATE with [rows, count].
    const [, updated]: [unknown[], number] = await this.dataSource.query(
      `UPDATE org_reader SET preflight = $3::jsonb, preflight_at = $4, updated_at = now()
       WHERE sfdc_org_id = $1 AND refresh_token_sealed = $2`,
      [orgId, refreshTokenSealed, JSON.stringify(preflight), preflight.checkedAt],
    );
    return updated > 0;
  }

  /** sfdc-ingest's report of the org's stream; an older report than the one stored changes nothing. */
  async recordStream(manager: EntityManager, orgId: string, stream: NonNullable<OrgReader['stream']>): Promise<void> {
    await manager.query(
      `UPDATE org_reader SET stream = $2::jsonb, stream_at = $3, updated_at = now()
       WHERE ${BY_ORG} AND (stream_at IS NULL OR stream_at <= $3)`,
      [orgId, JSON.stringify(stream), stream.since],
    );
  }

  /** Salesforce refused the reader's refresh token: the grant is dropped, the reader stays listed as revoked until an admin reconnects or removes it. */
  async markRevoked(orgId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE org_reader SET refresh_token_sealed = NULL, access_token_sealed = NULL, revoked_at = now(), updated_at = now()
       WHERE sfdc_org_id = $1 AND refresh_token_sealed IS NOT NULL`,
      [orgId],
    );
  }

  async remove(tenantId: string, orgId: string): Promise<OrgReader | null> {
    // The driver answers a bare DELETE … RETURNING with [rows, count].
    const [rows]: [OrgReaderRow[], number] = await this.dataSource.query(
      `DELETE FROM org_reader WHERE ${BY_ORG} AND tenant_id = $2 RETURNING ${COLUMNS}`,
      [orgId, tenantId],
    );
    return rows[0] ? toReader(rows[0]) : null;
  }

  async findByOrg(orgId: string): Promise<OrgReader | null> {
    const rows: OrgReaderRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM org_reader WHERE ${BY_ORG}`, [
      orgId,
    ]);
    return rows[0] ? toReader(rows[0]) : null;
  }

  /** The readers of the tenant's orgs (a tenant may span several orgs; each has at most one reader). */
  async listForTenant(tenantId: string): Promise<OrgReader[]> {
    const rows: OrgReaderRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM org_reader WHERE tenant_id = $1 ORDER BY created_at`,
      [tenantId],
    );
    return rows.map(toReader);
  }

  async findForOrgs(orgIds: string[]): Promise<Map<string, OrgReader>> {
    if (orgIds.length === 0) return new Map();
    const rows: OrgReaderRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM org_reader WHERE sfdc_org_id = ANY($1::text[])`,
      [orgIds],
    );
    return new Map(rows.map((row) => [row.sfdc_org_id, toReader(row)]));
  }

  async listDueForPreflight(staleBefore: Date, limit: number): Promise<OrgReader[]> {
    const rows: OrgReaderRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM org_reader
       WHERE refresh_token_sealed IS NOT NULL AND (preflight_at IS NULL OR preflight_at < $1)
       ORDER BY preflight_at NULLS FIRST, sfdc_org_id LIMIT $2`,
      [staleBefore, limit],
    );
    return rows.map(toReader);
  }
}
