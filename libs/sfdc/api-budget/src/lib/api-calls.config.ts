import { z } from 'zod';

/** The variables of a service that calls Salesforce and counts its calls against the org's allocation. */
export function apiCallsConfigShape() {
  return {
    /** Counted Salesforce calls are reported to connector-settings this often (replicas may overshoot an allocation by about one interval's calls). */
    API_CALLS_REPORT_MS: z.coerce.number().int().min(100).default(1_000),
    /** Each org's allocation is asked for again this often without new calls: a paused org resumes at most this long after the window frees calls. */
    API_ALLOCATION_REFRESH_MS: z.coerce.number().int().min(100).default(15_000),
  };
}
