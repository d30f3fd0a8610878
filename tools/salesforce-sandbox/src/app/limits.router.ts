import { Router } from 'express';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { apiContext, currentApiUsage } from './api-guard.middleware';

/** `limits`: DailyApiRequests from the org's counter (the guard has already counted this call). */
export function createLimitsRouter(deps: { clock: SandboxClock }): Router {
  const router = Router({ mergeParams: true });
  router.get('/limits', (_req, res) => {
    const { org } = apiContext(res);
    const used = currentApiUsage(org, deps.clock.nowMs()).used;
    res.json({
      DailyApiRequests: { Max: org.dailyApiLimit, Remaining: Math.max(0, org.dailyApiLimit - used) },
      DataStorageMB: { Max: 1024, Remaining: 1024 },
    });
  });
  return router;
}
