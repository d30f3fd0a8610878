import { buildImportCountQuery, buildTaskPageQuery, soqlDateTime } from './import-soql';
import { TASK_BY_ID_FIELDS, buildDeletedInBinQuery, buildOrgTaskPageQuery, ceilToMinute } from './org-read-soql';
import {
  TASKS_BY_ID_LIMIT,
  buildTasksByIdQuery as buildTasksByIdQueryWith,
  buildWhoEmailQueries,
  parseSalesforceDateTime,
  soqlId,
} from './task-soql';

// The by-id read sfdc-ingest makes: the poll's fields and who last modified the task.
const buildTasksByIdQuery = (ids: readonly string[]) => buildTasksByIdQueryWith(ids, TASK_BY_ID_FIELDS);

const OWNER = '005000000000001AAA';

describe('SOQL for the reads', () => {
  it("the org poll's page names the owners, or none for the whole org, with the fields a by-id read has; a later page starts at its keyset's stamp", () => {
    const after = { stamp: Date.UTC(2026, 10, 23, 12, 30), id: '00T000000000009EAA' };
    const named = buildOrgTaskPageQuery({
      ownerIds: [OWNER, '005000000000002AAA'],
      from: Date.UTC(2026, 10, 23, 10),
      after,
      limit: 2000,
    });
    expect(named).toBe(
      `SELECT Id, Subject, Description, ActivityDate, Status, IsClosed, Priority, TaskSubtype, WhoId, OwnerId, SalesConnect_Task_Id__c, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted, IsRecurrence, LastModifiedById FROM Task ` +
        `WHERE OwnerId IN ('${OWNER}', '005000000000002AAA') AND SystemModstamp >= 2026-11-23T12:30:00Z ` +
        `AND (SystemModstamp > 2026-11-23T12:30:00Z OR (SystemModstamp = 2026-11-23T12:30:00Z AND Id > '00T000000000009EAA')) ` +
        `ORDER BY SystemModstamp ASC, Id ASC LIMIT 2000`,
    );
    const wholeOrg = buildOrgTaskPageQuery({ ownerIds: null, from: Date.UTC(2026, 10, 23, 10), limit: 500 });
    expect(wholeOrg).toMatch(
      / FROM Task WHERE SystemModstamp >= 2026-11-23T10:00:00Z ORDER BY SystemModstamp ASC, Id ASC LIMIT 500$/,
    );
    expect(() => buildOrgTaskPageQuery({ ownerIds: [], from: 0, limit: 1 })).toThrow(/at least one owner/);
    expect(() => buildOrgTaskPageQuery({ ownerIds: ["x' OR Id != '"], from: 0, limit: 1 })).toThrow(
      /not a Salesforce id/,
    );
  });

  it.each([
    [Date.UTC(2026, 10, 24, 10, 0, 0), '2026-11-24T10:00:00Z'],
    [Date.UTC(2026, 10, 24, 10, 0, 0, 250), '2026-11-24T10:00:00.250Z'],
  ])('writes %s as the datetime literal %s (whole seconds without a fraction)', (ms, literal) => {
    expect(soqlDateTime(ms)).toBe(literal);
  });

  it("pages by (SystemModstamp, Id) after a keyset position, inside the window, oldest first, from the keyset's stamp", () => {
    const soql = buildTaskPageQuery({
      ownerId: OWNER,
      from: Date.UTC(2026, 10, 23, 10),
      to: Date.UTC(2026, 10, 24, 10),
      after: { stamp: Date.UTC(2026, 10, 23, 12, 30, 0, 5), id: '00T000000000009EAA' },
      limit: 2000,
    });
    expect(soql).toBe(
      `SELECT Id, Subject, Description, ActivityDate, Status, IsClosed, Priority, TaskSubtype, WhoId, OwnerId, SalesConnect_Task_Id__c, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted, IsRecurrence FROM Task ` +
        `WHERE OwnerId = '${OWNER}' AND SystemModstamp >= 2026-11-23T12:30:00.005Z AND SystemModstamp <= 2026-11-24T10:00:00Z ` +
        `AND (SystemModstamp > 2026-11-23T12:30:00.005Z OR (SystemModstamp = 2026-11-23T12:30:00.005Z AND Id > '00T000000000009EAA')) ` +
        `ORDER BY SystemModstamp ASC, Id ASC LIMIT 2000`,
    );
  });

  it('reads deleted tasks with ids and stamps only, and counts a window', () => {
    expect(buildTaskPageQuery({ ownerId: OWNER, from: 0, limit: 10, deleted: true })).toBe(
      `SELECT Id, SystemModstamp FROM Task WHERE OwnerId = '${OWNER}' AND SystemModstamp >= 1970-01-01T00:00:00Z AND IsDeleted = true ORDER BY SystemModstamp ASC, Id ASC LIMIT 10`,
    );
    expect(buildImportCountQuery(OWNER, { from: 0, to: 1000 })).toBe(
      `SELECT COUNT() FROM Task WHERE OwnerId = '${OWNER}' AND SystemModstamp >= 1970-01-01T00:00:00Z AND SystemModstamp <= 1970-01-01T00:00:01Z AND IsDeleted = false AND IsRecurrence = false`,
    );
    expect(buildDeletedInBinQuery(['00T000000000001EAA', '00T000000000002'])).toBe(
      `SELECT Id, OwnerId FROM Task WHERE IsDeleted = true AND Id IN ('00T000000000001EAA','00T000000000002')`,
    );
  });

  it('reads tasks by id with the fields the poll reads, and who last modified them', () => {
    expect(buildTasksByIdQuery(['00T000000000001EAA', '00T000000000002'])).toBe(
      `SELECT Id, Subject, Description, ActivityDate, Status, IsClosed, Priority, TaskSubtype, WhoId, OwnerId, SalesConnect_Task_Id__c, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted, IsRecurrence, LastModifiedById FROM Task ` +
        `WHERE Id IN ('00T000000000001EAA','00T000000000002')`,
    );
    const ids = Array.from({ length: TASKS_BY_ID_LIMIT }, (_, i) => `00T${String(i).padStart(12, '0')}EAA`);
    expect(buildTasksByIdQuery(ids).match(/'00T/g)).toHaveLength(TASKS_BY_ID_LIMIT);
  });

  it("a full by-id read's GET, as jsforce sends it, leaves 2 KiB of Salesforce's 16,384 bytes for the request line's rest and the headers", () => {
    const ids = Array.from({ length: TASKS_BY_ID_LIMIT }, (_, i) => `00T${String(i).padStart(12, '0')}EAA`);
    // jsforce's query: `<base>/queryAll?q=` + encodeURIComponent(soql), then a URL, which encodes `'` as well.
    const url = new URL(
      `https://acme.my.salesforce.com/services/data/v62.0/queryAll?q=${encodeURIComponent(buildTasksByIdQuery(ids))}`,
    );
    const requestTarget = url.pathname + url.search;
    expect(requestTarget).toContain('%2700T000000000000EAA%27%2C%2700T');
    expect(requestTarget.length).toBeLessThanOrEqual(16_384 - 2_048);
  });

  it.each([[[]], [Array.from({ length: TASKS_BY_ID_LIMIT + 1 }, () => '00T000000000001EAA')]])(
    'reads 1 to TASKS_BY_ID_LIMIT ids a query, not %#',
    (ids) => {
      expect(() => buildTasksByIdQuery(ids)).toThrow(new RegExp(`1 to ${TASKS_BY_ID_LIMIT} ids a query`));
    },
  );

  it('refuses an id by-id read could be injected with', () => {
    expect(() => buildTasksByIdQuery(["00T000000000001EAA') OR (Id != '"])).toThrow(/not a Salesforce id/);
  });

  it('looks Contacts and Leads up by their key prefix, and only when there are some', () => {
    expect(buildWhoEmailQueries(['003000000000001AAA', '00Q000000000001AAA'])).toEqual([
      `SELECT Id, Email FROM Contact WHERE Id IN ('003000000000001AAA')`,
      `SELECT Id, Email FROM Lead WHERE Id IN ('00Q000000000001AAA')`,
    ]);
    expect(buildWhoEmailQueries([])).toEqual([]);
  });

  it.each(["005' OR Name != '", '', '005000000000001AAA1', "00T000000000001EA'"])(
    'refuses %j as an id, so nothing can be injected',
    (id) => {
      expect(() => soqlId(id)).toThrow(/not a Salesforce id/);
    },
  );

  it('reads Salesforce datetimes with their +0000 offset, and rounds to the minute getDeleted works in', () => {
    expect(parseSalesforceDateTime('2026-11-24T10:00:00.123+0000')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 123));
    expect(parseSalesforceDateTime('2026-11-24T12:00:00.000+0200')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(() => parseSalesforceDateTime('yesterday')).toThrow();
    expect(ceilToMinute(Date.UTC(2026, 10, 24, 10, 0, 1))).toBe(Date.UTC(2026, 10, 24, 10, 1));
    expect(ceilToMinute(Date.UTC(2026, 10, 24, 10, 1))).toBe(Date.UTC(2026, 10, 24, 10, 1));
  });
});
