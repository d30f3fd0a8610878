import { IMPORT_WINDOW_MS } from '@task-sync/sync-rules';
import { buildImportCountQuery, buildImportPageQuery, buildImportPreviewQuery, importReadWindow } from './import-soql';

const OWNER = '005000000000001AAA';
const whereOf = (soql: string) => / WHERE (.*?)(?: ORDER BY |$)/.exec(soql)?.[1];

describe("R2: the import's selection, shared by the import and its preview", () => {
  it('R2: the window is the 24 hours before the enable, both edges included, read exactly for a whole-second enable', () => {
    const enableAt = Date.UTC(2026, 10, 24, 10, 0, 0);
    expect(importReadWindow(enableAt)).toEqual({ from: enableAt - IMPORT_WINDOW_MS, to: enableAt });
  });

  it('R2: an enable with milliseconds is read a little wide (SOQL literals are whole seconds); the rules lib judges the edge', () => {
    const enableAt = Date.UTC(2026, 10, 24, 10, 0, 0, 250);
    expect(importReadWindow(enableAt)).toEqual({
      from: Date.UTC(2026, 10, 23, 10, 0, 0),
      to: Date.UTC(2026, 10, 24, 10, 0, 1),
    });
  });

  it("R2: the count, the import's pages and the preview select the same tasks: the owner's live ones in the window, no series master", () => {
    const window = importReadWindow(Date.UTC(2026, 10, 24, 10));
    const selection = `OwnerId = '${OWNER}' AND SystemModstamp >= 2026-11-23T10:00:00Z AND SystemModstamp <= 2026-11-24T10:00:00Z AND IsDeleted = false AND IsRecurrence = false`;
    expect(buildImportCountQuery(OWNER, window)).toBe(`SELECT COUNT() FROM Task WHERE ${selection}`);
    expect(whereOf(buildImportPageQuery(OWNER, window, null, 2000))).toBe(selection);
    expect(buildImportPageQuery(OWNER, window, null, 2000)).toMatch(/ ORDER BY SystemModstamp ASC, Id ASC LIMIT 2000$/);
    expect(buildImportPreviewQuery(OWNER, window, 20)).toBe(
      `SELECT Id, Subject, Status, ActivityDate, LastModifiedDate, SystemModstamp FROM Task WHERE ${selection} ORDER BY SystemModstamp DESC, Id DESC LIMIT 20`,
    );
  });

  it('R2: an import page after a keyset position keeps the selection and reads on from it', () => {
    const window = importReadWindow(Date.UTC(2026, 10, 24, 10));
    const soql = buildImportPageQuery(
      OWNER,
      window,
      { stamp: Date.UTC(2026, 10, 23, 12), id: '00T000000000009EAA' },
      500,
    );
    expect(soql).toContain(
      " AND IsRecurrence = false AND (SystemModstamp > 2026-11-23T12:00:00Z OR (SystemModstamp = 2026-11-23T12:00:00Z AND Id > '00T000000000009EAA'))",
    );
  });

  it('refuses an owner id that is not a Salesforce id (it goes into SOQL text)', () => {
    expect(() => buildImportCountQuery("x' OR Id != '", { from: 0, to: 1 })).toThrow(/not a Salesforce id/);
  });
});
