import {
  buildImportCountQuery,
  buildImportPreviewQuery,
  floorToSecond,
  importReadWindow,
  type ImportWindow,
} from './import-soql';
import type { SalesforceSessionHandle } from './salesforce-session';

/** A task as the import preview shows it. */
export interface ImportPreviewRecord {
  Id: string;
  Subject: string | null;
  Status: string | null;
  ActivityDate: string | null;
  LastModifiedDate: string;
  SystemModstamp: string;
}

export interface ImportPreview {
  window: ImportWindow;
  /** Whose session read it: the rep, whose tasks (OwnerId) the import brings. */
  ownerId: string;
  instanceUrl: string;
  count: number;
  /** The first tasks, newest change first. */
  tasks: ImportPreviewRecord[];
}

/** How many tasks the preview lists. */
export const IMPORT_PREVIEW_LIMIT = 20;

/**
 * R2, with the import's own selection on the rep's session (two calls). `at` is taken to the whole
 * second, so the SOQL window is exactly the rule's 24 hours.
 */
export async function readImportPreview(
  handle: SalesforceSessionHandle,
  at: number,
  limit = IMPORT_PREVIEW_LIMIT,
): Promise<ImportPreview> {
  const session = await handle.session();
  const window = importReadWindow(floorToSecond(at));
  const conn = await handle.open();
  // autoFetch off: each query is one call; the LIMIT keeps the page to `limit` rows.
  const counted = await conn.query(buildImportCountQuery(session.userId, window), { autoFetch: false, scanAll: true });
  const page = await conn.query<ImportPreviewRecord & Record<string, unknown>>(
    buildImportPreviewQuery(session.userId, window, limit),
    { autoFetch: false, scanAll: true },
  );
  return {
    window,
    ownerId: session.userId,
    instanceUrl: conn.instanceUrl,
    count: counted.totalSize,
    tasks: page.records as ImportPreviewRecord[],
  };
}
