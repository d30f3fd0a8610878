import type { ProbeAnswer } from '@task-sync/sfdc-client';
import type { SalesforceSessionService } from '../internal/salesforce-session.service';
import type { OrgReader } from './org-reader';
import { OrgReaderPreflightService, type ReaderChecksFactory } from './org-reader-preflight.service';
import type { OrgReaderRepository } from './org-reader.repository';
import type { ReaderPreflight } from './reader-preflight';

const HOUR = 3_600_000;
const yes: ProbeAnswer<boolean> = { kind: 'answered', value: true };
const no: ProbeAnswer<boolean> = { kind: 'answered', value: false };
const down: ProbeAnswer<boolean> = { kind: 'unavailable', code: 'SERVER_UNAVAILABLE', message: 'later' };

const readerOf = (orgId: string, preflightAt: Date | null): OrgReader => ({
  orgId,
  tenantId: 't',
  connectedByUserId: 'admin',
  sfdcUserId: '005',
  sfdcUsername: `reader@${orgId}`,
  instanceUrl: 'https://x',
  refreshTokenSealed: `grant-of-${orgId}`,
  accessTokenSealed: null,
  preflight: null,
  preflightAt,
  revokedAt: null,
  stream: null,
  connectedAt: new Date(),
  createdAt: new Date(),
  updatedAt: new Date(),
});

/** The org_reader rows in memory, with the preflights recorded. */
function setUp(readers: OrgReader[], cdc: () => ProbeAnswer<boolean>) {
  const recorded: { orgId: string; grant: string; preflight: ReaderPreflight }[] = [];
  const repository = {
    listDueForPreflight: async (staleBefore: Date, limit: number) =>
      readers
        .filter((r) => r.refreshTokenSealed && (r.preflightAt === null || r.preflightAt < staleBefore))
        .slice(0, limit),
    findByOrg: async (orgId: string) => readers.find((r) => r.orgId === orgId) ?? null,
    recordPreflight: async (orgId: string, grant: string, preflight: ReaderPreflight) => {
      recorded.push({ orgId, grant, preflight });
      const r = readers.find((x) => x.orgId === orgId) as OrgReader;
      r.preflight = preflight;
      r.preflightAt = new Date(preflight.checkedAt);
      return true;
    },
  } as unknown as OrgReaderRepository;
  const sessions = {
    obtainForOrgReader: async () => ({ orgId: 'o', userId: 'u', instanceUrl: 'https://x', accessToken: 'a' }),
  } as unknown as SalesforceSessionService;
  const checks: ReaderChecksFactory = () => ({
    readViewAllDataAndExternalIdField: async () => ({ viewAllData: yes, externalIdField: yes }),
    readTaskChangeEventSelection: async () => cdc(),
  });
  const service = new OrgReaderPreflightService(repository, sessions, checks, {
    ORG_READER_PREFLIGHT_INTERVAL_SECONDS: 3600,
  });
  return { service, recorded };
}

describe('OrgReaderPreflightService: every connected reader is checked when its preflight is an interval old', () => {
  it('checks the readers never checked or checked over an hour ago, and records each with its grant', async () => {
    const now = Date.now();
    const readers = [
      readerOf('00Dnever', null),
      readerOf('00Dstale', new Date(now - 2 * HOUR)),
      readerOf('00Dfresh', new Date(now - HOUR / 2)),
    ];
    const { service, recorded } = setUp(readers, () => no);
    await service.round(now);
    expect(recorded.map((r) => [r.orgId, r.grant, r.preflight.passed])).toEqual([
      ['00Dnever', 'grant-of-00Dnever', false],
      ['00Dstale', 'grant-of-00Dstale', false],
    ]);
    expect(recorded[0].preflight.items[1]).toMatchObject({ key: 'task-change-data-capture', state: 'missing' });
  });

  it('stores nothing when Salesforce did not answer, and leaves the reader alone for a while before asking again', async () => {
    let cdc: ProbeAnswer<boolean> = down;
    const { service, recorded } = setUp([readerOf('00Dblip', null)], () => cdc);
    const now = Date.now();
    await service.round(now);
    expect(recorded).toEqual([]);
    cdc = yes;
    await service.round(now + 60_000);
    expect(recorded).toEqual([]);
    await service.round(now + 10 * 60_000);
    expect(recorded.map((r) => r.preflight.passed)).toEqual([true]);
  });

  it('checkNow checks at once, whatever the age of the last preflight', async () => {
    const { service, recorded } = setUp([readerOf('00Dnow', new Date())], () => yes);
    const checked = await service.checkNow('00Dnow');
    expect(recorded).toHaveLength(1);
    expect(checked?.preflight?.passed).toBe(true);
  });
});
