import { Router } from 'express';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { apiContext, currentApiUsage } from './api-guard.middleware';

/**
 * The other keys of Salesforce's `limits` answer, each `{Max, Remaining}`, with an Enterprise
 * Edition's allocations. The sandbox counts none of them: Remaining is always Max.
 */
const UNCOUNTED_LIMITS: Record<string, number> = {
  ConcurrentAsyncGetReportInstances: 200,
  ConcurrentSyncReportRuns: 20,
  DailyAsyncApexExecutions: 250_000,
  DailyBulkApiBatches: 15_000,
  DailyBulkV2QueryFileStorageMB: 976_562,
  DailyBulkV2QueryJobs: 10_000,
  DailyDurableGenericStreamingApiEvents: 10_000,
  DailyDurableStreamingApiEvents: 10_000,
  DailyGenericStreamingApiEvents: 10_000,
  DailyStandardVolumePlatformEvents: 10_000,
  DailyStreamingApiEvents: 10_000,
  DailyWorkflowEmails: 1_000_000,
  DataStorageMB: 1024,
  DurableStreamingApiConcurrentClients: 20,
  FileStorageMB: 2048,
  HourlyAsyncReportRuns: 1200,
  HourlyDashboardRefreshes: 200,
  HourlyDashboardResults: 5000,
  HourlyDashboardStatuses: 999_999_999,
  HourlyODataCallout: 10_000,
  HourlyPublishedPlatformEvents: 50_000,
  HourlyPublishedStandardVolumePlatformEvents: 1000,
  HourlySyncReportRuns: 500,
  HourlyTimeBasedWorkflow: 50,
  MassEmail: 10,
  PermissionSets: 1500,
  SingleEmail: 15,
  StreamingApiConcurrentClients: 20,
};

/** `limits`: DailyApiRequests from the org's counter (the guard has already counted this call). */
export function createLimitsRouter(deps: { clock: SandboxClock }): Router {
  const router = Router({ mergeParams: true });
  router.get('/limits', (_req, res) => {
    const { org } = apiContext(res);
    const used = currentApiUsage(org, deps.clock.nowMs()).used;
    const others = Object.fromEntries(
      Object.entries(UNCOUNTED_LIMITS).map(([key, max]) => [key, { Max: max, Remaining: max }]),
    );
    res.json({
      ...others,
      DailyApiRequests: { Max: org.dailyApiLimit, Remaining: Math.max(0, org.dailyApiLimit - used) },
    });
  });
  return router;
}
