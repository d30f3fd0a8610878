import type { OrgReader } from './org-reader';
import type { ReaderPreflight } from './reader-preflight';

/** What an admin sees of the org's reader (GET /v1/salesforce/org-reader): never a token. */
export interface OrgReaderView {
  orgId: string;
  sfdcUserId: string;
  sfdcUsername: string;
  instanceUrl: string;
  connectedByUserId: string;
  /** The grant is held; false once Salesforce refused it (connect the reader again). */
  connected: boolean;
  revokedAt: string | null;
  preflight: ReaderPreflight | null;
  /** The org's change stream as sfdc-ingest last reported it. */
  stream: OrgReader['stream'];
  connectedAt: string;
}

/** What our services see (GET /internal/v1/orgs/{orgId}/reader). */
export interface OrgReaderStatus {
  orgId: string;
  connected: boolean;
  sfdcUserId: string;
  preflight: ReaderPreflight | null;
}

export function toOrgReaderView(r: OrgReader): OrgReaderView {
  return {
    orgId: r.orgId,
    sfdcUserId: r.sfdcUserId,
    sfdcUsername: r.sfdcUsername,
    instanceUrl: r.instanceUrl,
    connectedByUserId: r.connectedByUserId,
    connected: r.refreshTokenSealed !== null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    preflight: r.preflight,
    stream: r.stream,
    connectedAt: r.connectedAt.toISOString(),
  };
}

export const toOrgReaderStatus = (r: OrgReader): OrgReaderStatus => ({
  orgId: r.orgId,
  connected: r.refreshTokenSealed !== null,
  sfdcUserId: r.sfdcUserId,
  preflight: r.preflight,
});
