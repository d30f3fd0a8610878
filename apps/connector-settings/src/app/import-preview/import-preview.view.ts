import type { ImportPreviewView } from '@task-sync/contracts/http';
import { parseSalesforceDateTime, type ImportPreview } from '@task-sync/sfdc-client';

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
