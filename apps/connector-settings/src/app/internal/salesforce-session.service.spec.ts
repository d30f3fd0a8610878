import { randomBytes } from 'node:crypto';
import { ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SalesforceGrantRevoked, type SalesforceOAuthClient } from '@task-sync/sfdc-oauth';
import type { OrgReader } from '../org-reader/org-reader';
import type { OrgReaderRepository } from '../org-reader/org-reader.repository';
import type { ConnectionPreflightRepository } from '../connection-preflight/connection-preflight.repository';
import { SalesforceGrants } from '../salesforce/salesforce-grants';
import { TokenCipher } from '../salesforce/token-cipher';
import { SalesforceSessionService } from './salesforce-session.service';

const cipher = new TokenCipher(`k1:${randomBytes(32).toString('base64')}`, 'k1');
const ORG = '00D000000000001AAA';

/** The org_reader table in memory: what the session service reads and the named changes it makes. */
function readersWith(reader: OrgReader | null) {
  const state = { reader, revoked: 0 };
  const repository = {
    findByOrg: async (orgId: string) =>
      state.reader && (orgId === state.reader.orgId || orgId === state.reader.orgId.slice(0, 15))
        ? { ...state.reader }
        : null,
    storeAccessToken: async (_orgId: string, sealed: string, instanceUrl: string) => {
      if (state.reader) state.reader = { ...state.reader, accessTokenSealed: sealed, instanceUrl };
    },
    markRevoked: async () => {
      state.revoked++;
      if (state.reader)
        state.reader = { ...state.reader, refreshTokenSealed: null, accessTokenSealed: null, revokedAt: new Date() };
    },
  };
  return { state, repository: repository as unknown as OrgReaderRepository };
}

const reader = (overrides: Partial<OrgReader> = {}): OrgReader => ({
  orgId: ORG,
  tenantId: 't',
  connectedByUserId: 'admin',
  sfdcUserId: '005000000000002AAA',
  sfdcUsername: 'integration@acme.test',
  instanceUrl: 'https://acme.my.salesforce.com',
  refreshTokenSealed: cipher.seal('refresh-1'),
  accessTokenSealed: null,
  preflight: null,
  preflightAt: null,
  revokedAt: null,
  stream: null,
  connectedAt: new Date(),
  createdAt: new Date(),
  updatedAt: new Date(),
  ...overrides,
});

function serviceWith(
  readers: OrgReaderRepository,
  refresh: () => Promise<{ accessToken: string; instanceUrl: string }>,
) {
  const calls = { refreshes: 0 };
  const oauth = {
    refreshAccessToken: async () => {
      calls.refreshes++;
      return refresh();
    },
  } as unknown as SalesforceOAuthClient;
  return {
    calls,
    service: new SalesforceSessionService(
      {} as DataSource,
      new SalesforceGrants(oauth, cipher),
      readers,
      {} as ConnectionPreflightRepository,
    ),
  };
}

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as HttpException,
  );

describe("SalesforceSessionService for an org's reader: one session per grant, renewed only when Salesforce rejected it", () => {
  it('refreshes once, keeps the access token sealed, and hands the same one out until it is rejected', async () => {
    const { state, repository } = readersWith(reader());
    let n = 0;
    const { service, calls } = serviceWith(repository, async () => ({
      accessToken: `access-${++n}`,
      instanceUrl: 'https://acme2.my.salesforce.com',
    }));

    const first = await service.obtainForOrgReader(ORG, undefined, 'sfdc-ingest');
    expect(first).toEqual({
      orgId: ORG,
      userId: '005000000000002AAA',
      instanceUrl: 'https://acme2.my.salesforce.com',
      accessToken: 'access-1',
    });
    expect(state.reader?.accessTokenSealed).not.toContain('access-1');
    expect(cipher.open(state.reader?.accessTokenSealed as string)).toBe('access-1');

    expect((await service.obtainForOrgReader(ORG.slice(0, 15), undefined, 'sfdc-ingest')).accessToken).toBe('access-1');
    expect(calls.refreshes).toBe(1);
    expect((await service.obtainForOrgReader(ORG, 'access-1', 'sfdc-ingest')).accessToken).toBe('access-2');
    // A token rejected earlier, no longer the stored one, does not cause another refresh.
    expect((await service.obtainForOrgReader(ORG, 'access-1', 'sfdc-ingest')).accessToken).toBe('access-2');
    expect(calls.refreshes).toBe(2);
  });

  it('answers 404 for an org without a reader, 409 for a reader whose grant is gone', async () => {
    const none = serviceWith(readersWith(null).repository, async () => ({
      accessToken: 'a',
      instanceUrl: 'x',
    })).service;
    const missing = await errorOf(none.obtainForOrgReader(ORG, undefined, 'sfdc-ingest'));
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(missing.getResponse()).toMatchObject({ error: 'ORG_READER_NOT_FOUND' });

    const revoked = serviceWith(readersWith(reader({ refreshTokenSealed: null })).repository, async () => ({
      accessToken: 'a',
      instanceUrl: 'x',
    })).service;
    expect((await errorOf(revoked.obtainForOrgReader(ORG, undefined, 'sfdc-ingest'))).getResponse()).toMatchObject({
      error: 'SALESFORCE_NOT_CONNECTED',
    });
  });

  it('marks the reader revoked when Salesforce refuses the refresh token (409), and says 502 when Salesforce does not answer', async () => {
    const refused = readersWith(reader());
    const { service } = serviceWith(refused.repository, async () => {
      throw new SalesforceGrantRevoked('expired access/refresh token');
    });
    const conflict = await errorOf(service.obtainForOrgReader(ORG, undefined, 'sfdc-ingest'));
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict.getResponse()).toMatchObject({ error: 'SALESFORCE_REAUTHORIZATION_REQUIRED' });
    expect(refused.state.revoked).toBe(1);
    expect(refused.state.reader?.refreshTokenSealed).toBeNull();

    const down = readersWith(reader());
    const unavailable = await errorOf(
      serviceWith(down.repository, async () => {
        throw new Error('ECONNRESET');
      }).service.obtainForOrgReader(ORG, undefined, 'sfdc-ingest'),
    );
    expect(unavailable.getStatus()).toBe(502);
    expect(unavailable.getResponse()).toMatchObject({ error: 'SALESFORCE_UNAVAILABLE' });
    expect(down.state.revoked).toBe(0);
  });
});
