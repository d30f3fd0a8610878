import { parseSalesforceDateTime, type ImportPreview } from '@task-sync/sfdc-client';

/** GET /v1/connections/{id}/import-preview: what "Sync tasks" would import if saved now (R2), and that nothing goes the other way (R3). */
export interface ImportPreviewView {
  windowStart: string;
  windowEnd: string;
  count: number;
  /** At most 20, newest change first. */
  tasks: {
    sfdcTaskId: string;
    subject: string | null;
    status: string | null;
    activityDate: string | null;
    lastModifiedDate: string;
    salesforceUrl: string;
  }[];
  /** R3: the enable sends no existing Sales Connect task to Salesforce. */
  salesConnectTasksSent: false;
}

/** A Salesforce task's page in Lightning. */
export const salesforceTaskUrl = (instanceUrl: string, sfdcTaskId: string): string =>
  `${instanceUrl.replace(/\/+$/, '')}/lightning/r/Task/${encodeURIComponent(sfdcTaskId)}/view`;

export function toImportPreviewView(preview: ImportPreview): ImportPreviewView {
  return {
    windowStart: new Date(preview.window.from).toISOString(),
    windowEnd: new Date(preview.window.to).toISOString(),
    count: preview.count,
    tasks: preview.tasks.map((t) => ({
      sfdcTaskId: t.Id,
      subject: t.Subject ?? null,
      status: t.Status ?? null,
      activityDate: t.ActivityDate ?? null,
      lastModifiedDate: new Date(parseSalesforceDateTime(t.LastModifiedDate)).toISOString(),
      salesforceUrl: salesforceTaskUrl(preview.instanceUrl, t.Id),
    })),
    salesConnectTasksSent: false,
  };
}
