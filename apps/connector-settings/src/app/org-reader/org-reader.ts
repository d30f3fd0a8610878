import { PRODUCTION_LOGIN } from '@task-sync/sfdc-oauth';
import type { OrgStreamView } from '@task-sync/contracts/http';
import type { OrgReaderState } from './read-mode';
import type { ReaderPreflight } from './reader-preflight';

/** One Salesforce org's reader (org_reader): the integration user whose session reads the org's changes. */
export interface OrgReader {
  orgId: string;
  tenantId: string;
  /** The admin (a user of the tenant) who connected it. */
  connectedByUserId: string;
  sfdcUserId: string;
  sfdcUsername: string;
  instanceUrl: string;
  /** Sealed by TokenCipher; null once Salesforce refused it (revoked): an admin must connect again. */
  refreshTokenSealed: string | null;
  accessTokenSealed: string | null;
  preflight: ReaderPreflight | null;
  preflightAt: Date | null;
  revokedAt: Date | null;
  /** The org's change stream as sfdc-ingest last reported it; null before its first report. */
  stream: OrgStreamView | null;
  /** When the current grant was stored (a reconnect moves it). */
  connectedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A Salesforce org id: `00D`, then 12 or 15 more characters (the 15- and 18-character forms). */
export const SFDC_ORG_ID = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

export const toReaderState = (reader: OrgReader | null): OrgReaderState | null =>
  reader && {
    sfdcUsername: reader.sfdcUsername,
    connected: reader.refreshTokenSealed !== null,
    preflight: reader.preflight,
    stream: reader.stream,
  };

/** An org's reader signs in through production (login.salesforce.com): the environment choice is a connection's so far. */
export const READER_LOGIN = PRODUCTION_LOGIN;
