import { z } from 'zod';
import { SFDC_ORG_ID } from '../org-reader/org-reader';

/** PUT /v1/salesforce/api-allocation/{orgId}: the calls a rolling 24 h the sync may make in the org; null for the default share. */
export const setApiAllocationBodySchema = z
  .object({
    allocated: z.number().int().min(0).max(100_000_000).nullable(),
  })
  .strict();

export type SetApiAllocationBody = z.output<typeof setApiAllocationBodySchema>;

/** POST /internal/v1/salesforce-api-calls: what a service counted since its last report, per org. */
export const apiCallsReportSchema = z
  .object({
    orgs: z
      .array(
        z
          .object({
            orgId: z.string().regex(SFDC_ORG_ID),
            calls: z.number().int().min(0).max(10_000_000),
            orgUsage: z
              .object({ used: z.number().int().min(0), limit: z.number().int().min(1) })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict();

export type ApiCallsReportBody = z.output<typeof apiCallsReportSchema>;
